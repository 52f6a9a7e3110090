"""Label and value pairs in two columns, as one widget: a value too long for its line wraps
within its own column, and on a narrow screen the labels wrap too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.widget import Widget


class Facts(Widget):
    """Shows (label, value) pairs; the labels take the `facts--label` style. Neither is read
    as markup: guest names may contain brackets."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"facts--label"}
    DEFAULT_CSS = """
    Facts {
        height: auto;
    }
    """
    GAP = 3  # cells between the columns

    def __init__(self, facts: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facts = tuple(facts)

    def render(self) -> Table:
        label_style = self.get_component_rich_style("facts--label")
        table = Table.grid()
        # On a narrow screen the labels wrap too, and a word wider than its column folds:
        # a value the guest is asked to check (a document number) is never cut to "X12…".
        table.add_column()
        table.add_column()
        for label, value in self.facts:
            # The gap goes with the label: a value's own line starts with its first word.
            table.add_row(
                Text(label + " " * self.GAP, style=label_style), Text(value, overflow="fold")
            )
        return table
