"""Unit tests of admin/chart.py: subscriber samples bucketed, and the SVG line's geometry."""

from datetime import UTC, datetime, timedelta

from wagtail_live_admin.admin.chart import Chart, bucket_samples, first_bucket

SINCE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
UNTIL = SINCE + timedelta(hours=1)  # six buckets of ten minutes


def at(minutes: float) -> datetime:
    return SINCE + timedelta(minutes=minutes)


def buckets(samples, count=6):
    return bucket_samples(samples, since=SINCE, until=UNTIL, buckets=count)


def points(chart: Chart) -> list[tuple[float, float]]:
    return [tuple(map(float, point.split(","))) for point in chart.points.split()]


def test_bucket_samples_sample_lands_in_its_span():
    assert buckets([(at(25), 7)]) == [0, 0, 7, 0, 0, 0]


def test_bucket_samples_sample_at_since_is_in_the_first_span():
    assert buckets([(SINCE, 4)]) == [4, 0, 0, 0, 0, 0]


def test_bucket_samples_span_boundary_starts_the_next_span():
    assert buckets([(at(10), 3)]) == [0, 3, 0, 0, 0, 0]


def test_bucket_samples_span_keeps_its_highest_sample():
    assert buckets([(at(21), 5), (at(23), 9), (at(29), 2)])[2] == 9


def test_bucket_samples_sample_order_does_not_matter():
    samples = [(at(1), 2), (at(12), 8), (at(14), 3), (at(55), 6)]
    assert buckets(samples) == buckets(list(reversed(samples)))


def test_bucket_samples_samples_before_since_are_ignored():
    assert buckets([(SINCE - timedelta(seconds=1), 50)]) == [0] * 6


def test_bucket_samples_samples_after_until_are_ignored():
    assert buckets([(UNTIL + timedelta(seconds=1), 50)]) == [0] * 6


def test_bucket_samples_sample_at_until_is_in_the_last_span():
    assert buckets([(UNTIL, 11)]) == [0, 0, 0, 0, 0, 11]


def test_bucket_samples_spans_without_samples_count_zero():
    assert buckets([]) == [0, 0, 0, 0, 0, 0]


def test_bucket_samples_returns_one_value_per_bucket():
    assert len(buckets([(at(59), 1)], count=24)) == 24


def test_bucket_samples_uneven_spans_keep_a_sample_just_before_until_in_the_last():
    # 7 spans of 8.57 minutes: a sample a moment before ``until`` is still in the last one.
    values = buckets([(UNTIL - timedelta(microseconds=1), 5)], count=7)
    assert values == [0, 0, 0, 0, 0, 0, 5]


def test_chart_points_highest_value_touches_the_top():
    chart = Chart([3, 12, 6], width=90, height=30)
    assert points(chart)[1][1] == 1.0


def test_chart_points_zero_touches_the_bottom():
    chart = Chart([0, 12, 6], width=90, height=30)
    assert points(chart)[0][1] == 29.0


def test_chart_points_scale_values_linearly():
    # Half the peak sits halfway between the bottom (y=29) and the top (y=1).
    chart = Chart([0, 6, 12], width=90, height=30)
    assert points(chart)[1][1] == 15.0


def test_chart_points_spread_from_left_to_right_edge():
    chart = Chart([1, 2, 3, 4, 5], width=100, height=20)
    assert [x for x, _ in points(chart)] == [0.0, 25.0, 50.0, 75.0, 100.0]


def test_chart_points_one_point_per_value():
    assert len(points(Chart(list(range(24)), width=720, height=160))) == 24


def test_chart_points_all_zero_values_lie_on_the_bottom():
    chart = Chart([0, 0, 0], width=60, height=24)
    assert [y for _, y in points(chart)] == [23.0, 23.0, 23.0]


def test_chart_points_single_value_is_drawn_at_the_left_edge():
    assert points(Chart([5], width=96, height=24)) == [(0.0, 1.0)]


def test_chart_points_empty_chart_has_no_points():
    assert Chart([], width=96, height=24).points == ""


def test_chart_peak_is_the_highest_value():
    assert Chart([3, 17, 4], width=96, height=24).peak == 17


def test_chart_peak_of_empty_chart_is_zero():
    assert Chart([], width=96, height=24).peak == 0


def test_first_bucket_is_the_span_of_the_earliest_sample():
    assert first_bucket([(at(25), 7), (at(45), 1)], since=SINCE, until=UNTIL, buckets=6) == 2


def test_first_bucket_without_samples_is_past_the_last():
    assert first_bucket([], since=SINCE, until=UNTIL, buckets=6) == 6


def test_chart_draws_no_line_before_its_start():
    chart = Chart([0, 0, 4, 2], width=90, height=30, start=2)
    assert [x for x, _ in points(chart)] == [60.0, 90.0]
    assert chart.no_data_width == 60.0


def test_a_trend_drawn_again_is_the_same_and_in_the_language_asked():
    from django.utils import translation

    from wagtail_live_admin.admin.chart import sparkline_html

    trend = [0, 1200, 3]
    with translation.override("de"):
        german = sparkline_html(trend)
    english = sparkline_html(trend)  # the same trend, drawn for another language
    assert "Leser im Zeitverlauf: höchstens 1" in german
    assert "Subscribers over time: highest 1" in english
    assert sparkline_html(list(trend)) == english
