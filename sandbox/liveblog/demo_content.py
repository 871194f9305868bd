"""The posts of the sandbox's demo live blogs, oldest first: (text, image key or None)."""

# The public live blog at /live-blog/, with the three images load_demo draws.
MARATHON = [
    ("Good morning from Riverside Avenue, where 18,000 runners are warming up.", None),
    ("The wheelchair race is under way, three minutes ahead of the elite field.", None),
    ("And they're off! The elite runners crossed the start line at 8:30 sharp.", "start"),
    ("A lead group of nine has formed; the pace is well under record schedule.", None),
    ("Water station 2 reports a queue of cheering schoolchildren with oranges.", None),
    ("The lead group reaches the bridge at halfway in 1:03:12.", "bridge"),
    ("Headwind on the bridge: the lead group is down to five.", None),
    ("Kimani makes the first real move at 30 km and opens a 10-second gap.", None),
    ("The mass start is complete: the last wave crossed the line 41 minutes after the gun.", None),
    ("Kimani wins in 2:07:48, a new course record!", "finish"),
    ("The women's race goes down to a sprint: Okafor by two seconds.", None),
    ("Thousands are still on the course; the finish stays open until 15:00.", None),
]

# Open to logged-in users only (a page view restriction): anonymous readers' sockets
# are refused with 4403.
COUNCIL = [
    ("The council meets at 10:00 to vote on next year's budget. Staff briefing only.", None),
    ("The finance committee's amendment adds 1.2 million to road repairs.", None),
    ("Opposition asks for a separate vote on the library closures.", None),
    ("Recess for lunch; the vote is expected after 14:00.", None),
    ("Amendment carried, 31 votes to 24.", None),
    ("The budget passes as amended. Press release at 16:00.", None),
]

WARDS = 60
PARTIES = ("Greens", "Labour", "Liberals", "Conservatives")


def election_night() -> list[tuple[str, None]]:
    """A busy night: every ward's result, with comment and turnout in between."""
    posts = [("Polls have closed. The first count is expected within the hour.", None)]
    for ward in range(1, WARDS + 1):
        winner = PARTIES[(ward * 7) % len(PARTIES)]
        majority = 150 + (ward * 173) % 2400
        turnout = 41 + (ward * 13) % 27
        posts.append((f"Ward {ward} declared: {winner} hold, majority {majority:,}.", None))
        posts.append((f"Ward {ward} turnout was {turnout}%.", None))
        if ward % 10 == 0:
            posts.append((f"{ward} of {WARDS} wards declared. Counting goes on.", None))
    posts.append(("All wards are declared. Thank you for following the night with us.", None))
    return posts
