"""Staff mode: the PIN prompt, the staff dashboard and the override dialogs.

The guest app owns one `StaffMode` and plugs it in at three points: its hidden staff key
calls `staff_key()`, every input event calls `note_input()`, and its quit action calls
`quit()`."""

from screens.staff.mode import StaffMode

__all__ = ["StaffMode"]
