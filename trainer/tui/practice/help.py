"""What each score means and what good looks like, in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from trainer.tui.widgets.footer import Footer

HELP_TEXT = """\
# How your replies are scored

Every reply gets four scores from 0 to 100. **70 or more is strong**, 40-69 is fair,
under 40 is weak. The word is always shown next to the number, so you never need the colour.

## Listening
Show the customer they were heard: say back the specifics they gave you (what happened,
how often, what they need).
*Good:* "This is your third visit for the same flicker." *Weak:* "Did you bring your receipt?"

## Acknowledgement
Name the feeling and the impact on them, not just the fault.
*Good:* "That's a lot of pressure with your interview on Friday."

## Apology
Sincere: take responsibility, name the specific failure, offer to put it right.
"Sorry for any inconvenience" is weak; "I'm sorry you feel that way" and blaming the
customer are not apologies at all.

## Personal touch (personalization)
Talk to this customer, not a script: their name, their situation, details only they gave.
Corporate boilerplate scores low.

## The mood meter
The customer's mood runs from 0 (calm) to 100 (walks out). Good replies calm them;
dismissive or blaming replies make it worse. The conversation is resolved when they are
calm enough and you have apologised and offered something concrete.

## Keys
| key | what it does |
|---|---|
| Enter | send your reply |
| ctrl+j (or shift+enter / alt+enter) | new line in your reply |
| ctrl+f / F3 | evidence and a tip for your last reply |
| ctrl+g / F2 | a hint for your next reply |
| ctrl+b / F4 | undo your last reply and the customer's answer |
| ctrl+d / F5 | end the session and see your debrief |
| ctrl+t | switch between dark and light theme |
| F1 | this help |
| ctrl+q | quit (an unfinished session can be resumed later) |
"""


class HelpScreen(ModalScreen[None]):
    """A scrollable help page over the current screen; Escape closes."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Help"
            yield Markdown(HELP_TEXT, id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
