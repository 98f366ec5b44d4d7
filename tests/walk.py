"""The page walks' list of pages."""
from werkzeug.routing import Rule

# The demo's users the walks log in as: every role.
USERS = ["admin", "supervisor", "lobby", "concierge", "engineer"]


def get_paths(app) -> list[str]:
    """Every GET route, with 1 for each id (the demo has a record 1 of nearly everything)."""
    def path(rule: Rule) -> str:
        return rule.build({arg: "2026-11-18" if arg in ("day", "date") else 1 for arg in rule.arguments},
                          append_unknown=False)[1]
    return sorted({path(rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"})
