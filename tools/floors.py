"""The floors of the backend, and the imports that run up them.

usage: python3 tools/floors.py [backend/src]   (exit 1 when an import runs up)

Every top-level module of the crate sits on a floor; a module may import its
own floor's platform modules and anything below, never above. The order:
the platform (shared pieces every context reaches), the bounded contexts from
the register up (a context reaches a lower one through its service or its
public types), then what consumes the contexts: search, the GraphQL schema,
the application state, HTTP and the server. A new module must be placed here.

An import is a `crate::a::…` path or a `super::…` path that leaves its
top-level module, in code outside `#[cfg(test)]` (tests may reach anywhere).
"""
import os
import re
import sys

FLOORS = [
    # platform, lowest first
    "error", "text", "bogota_time", "config", "telemetry", "metrics", "cache", "rate_limit", "db", "pagination",
    "connection", "authorisation", "audit", "events", "outbox", "public_cache",
    # contexts, from the register up
    "territory", "access", "reporting", "knowledge", "assistance", "commission", "consultation",
    "monitoring", "classification", "talent", "formation",
    # what consumes the contexts
    "search", "graphql", "state", "http", "app", "lib", "main",
]
RANK = {name: rank for rank, name in enumerate(FLOORS)}
PATH = re.compile(r"\bcrate::\{?\s*([a-z_]+)|\bcrate::([a-z_]+)")
GROUP = re.compile(r"\bcrate::\{([^;]*?)\};", re.S)


def top_module(src, path):
    rel = os.path.relpath(path, src).split(os.sep)
    return rel[0][:-3] if rel[0].endswith(".rs") else rel[0]


def imported(text):
    found = set()
    for m in GROUP.finditer(text):
        inner = re.sub(r"\{[^{}]*\}", "", re.sub(r"\{[^{}]*\}", "", m.group(1)))
        for item in inner.split(","):
            name = item.strip().split("::")[0].split(" as ")[0].strip()
            if name:
                found.add(name)
    for m in re.finditer(r"\bcrate::([a-z_]+)", text):
        found.add(m.group(1))
    return found


def main(src):
    upward, unknown = [], set()
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            here = top_module(src, path)
            text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
            for target in imported(text):
                if target == here or target not in RANK and not os.path.exists(os.path.join(src, target + ".rs")) and not os.path.isdir(os.path.join(src, target)):
                    continue
                for name in (here, target):
                    if name not in RANK:
                        unknown.add(name)
                if here in RANK and target in RANK and RANK[target] > RANK[here]:
                    upward.append((os.path.relpath(path, src), target))
    for path, target in sorted(upward):
        print(f"up: {path} -> {target}")
    for name in sorted(unknown):
        print(f"no floor: {name} (add it to FLOORS in tools/floors.py)")
    print(f"upward imports {len(upward)}, modules without a floor {len(unknown)}")
    return 1 if upward or unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "backend/src"))
