"""Listings whose results partial asks for itself again (htmx polling)."""


class RefreshingResultsMixin:
    """Give the results template the URL that refreshes it, with the current query.

    The results partial keeps the filters, search, sorting and page it was shown
    with, so a refresh never jumps to other rows.
    """

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        query = self.request.GET.urlencode()
        url = self.index_results_url
        context["refresh_url"] = f"{url}?{query}" if query else url
        return context
