"""Per-page numbers for the figures, exercises and equations of the book's unnumbered pages.

Sphinx numbers every enumerable object (figure, ``{exercise}``, numbered equation) by the section
number of its page. Pages outside a numbered part of the table of contents (the introduction, the
appendix) have no section number, so Sphinx counts all their objects with ONE running counter:
the introduction has Fig. 1-4 and an appendix page continues with Fig. 5. This extension runs
right after Sphinx has assigned the numbers and renumbers the objects of the pages named in the
config value ``molviz_page_prefixes`` (docname -> prefix) as prefix.n, counting from 1 on each
page in document order: with ``{"book/intro": "0"}`` the introduction has Fig. 0.1, Exercise 0.1
and equation (0.1), like a chapter 0. Cross-references ({numref}, {ref} to exercises, {eq})
read the same table, so they show the new numbers everywhere.
"""

from __future__ import annotations


def _renumber(app, env):
    prefixes = app.config.molviz_page_prefixes or {}
    changed = []
    for docname, prefix in prefixes.items():
        numbers = env.toc_fignumbers.get(docname)
        if not numbers:
            continue
        for by_id in numbers.values():
            if any(len(n) != 1 for n in by_id.values()):
                continue  # the page has section numbers after all: leave it alone
            # a single running counter increases in document order, so sorting keeps the order
            for i, fid in enumerate(sorted(by_id, key=by_id.__getitem__), start=1):
                by_id[fid] = (str(prefix), i)
        changed.append(docname)
    return changed


def setup(app):
    app.add_config_value("molviz_page_prefixes", {}, "env", types=[dict])
    # after sphinx.environment.collectors.toctree (priority 500) has assigned the numbers
    app.connect("env-get-updated", _renumber, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
