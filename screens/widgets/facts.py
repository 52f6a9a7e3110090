"""Label and value pairs in two columns, as one widget: a value too long for its line wraps
within its own column; where the labels would take more than half the width, each label goes
above its value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.reactive import reactive
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

    stacked: reactive[bool] = reactive(False, layout=True)
    """Each label above its value: beside the longest label, a value would get a word a line."""

    def __init__(self, facts: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facts = tuple(facts)

    def on_resize(self, event: events.Resize) -> None:
        widest = max((len(label) for label, _ in self.facts), default=0) + self.GAP
        self.stacked = widest > event.size.width // 2

    def render(self) -> Table:
        label_style = self.get_component_rich_style("facts--label")
        table = Table.grid()
        if self.stacked:
            table.add_column()
            for label, value in self.facts:
                table.add_row(Text(label, style=label_style))
                table.add_row(Text(value))
            return table
        table.add_column(no_wrap=True)
        table.add_column()
        for label, value in self.facts:
            # The gap goes with the label: a value's own line starts with its first word.
            table.add_row(
                Text(label + " " * self.GAP, style=label_style), Text(value, overflow="fold")
            )
        return table
