from playwright.sync_api import Page

# wait_for_function does not await a promise (a pending promise is truthy), so each poll reads the
# outbox and the next poll looks at what the previous read found.
_OUTBOX_EMPTY = """() => {
  FrontdeskOutbox.list().then(items => { window.__outboxEmpty = items.length === 0; });
  return window.__outboxEmpty === true;
}"""


def wait_until_synced(page: Page, timeout: float = 20000) -> None:
    """Wait until the device's outbox is empty: every queued item has reached the server.

    The header badge is no signal for this: it is hidden on every fresh page until the outbox has been read.
    """
    page.evaluate("window.__outboxEmpty = undefined")
    page.wait_for_function(_OUTBOX_EMPTY, timeout=timeout, polling=100)
