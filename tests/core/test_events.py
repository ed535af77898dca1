from tracker.core import events


def test_subscribers_receive_emitted_events():
    received = []
    handler = received.append
    events.subscribe(handler)
    try:
        events.emit(events.Event(kind="test.happened", title="x", url="/"))
    finally:
        events._subscribers.remove(handler)
    assert [e.kind for e in received] == ["test.happened"]
