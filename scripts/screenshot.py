"""Regenerate docs/practice.svg, the README's picture of the practice screen (`make screenshot`).

Plays two replies in the reference scenario with the real grader and the scripted customer
(deterministic), then saves the screen as SVG.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPLIES = [
    "Dana, this is your third visit for the same flicker after paying for the repair, "
    "and it still isn't fixed. I'd be furious too.",
    "With your interview on Friday and your freelance work depending on this laptop, that's "
    "a lot of pressure, and our failed repair put it on you.",
]


async def main(out: Path) -> None:
    from trainer import locations
    from trainer.customer import make_backend
    from trainer.grader import load_grader
    from trainer.scenarios import load_library
    from trainer.store import open_store
    from trainer.tui.app import build_app
    from trainer.tui.practice.reply_box import ReplyBox
    from trainer.tui.services import EngineOptions

    library = load_library([locations.bundled_scenarios_dir()])
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/shot.db")
    app = build_app(
        library,
        "Sam",
        options=EngineOptions(customer="scripted", seed=1),
        store=store,
        grader=load_grader(),
        customer=make_backend("scripted"),
        scenario=library.get("retail-laptop-repair"),
        theme="textual-dark",
    )
    async with app.run_test(size=(110, 34)) as pilot:
        while type(app.screen).__name__ != "PracticeScreen" or app.screen.session is None:
            await pilot.pause(0.05)
        for text in REPLIES:
            app.screen.query_one(ReplyBox).text = text
            await pilot.press("enter")
            await pilot.pause(0.2)
            while app.screen.busy:
                await pilot.pause(0.05)
        await pilot.pause(0.3)
        app.save_screenshot(filename=out.name, path=str(out.parent))
    print(f"wrote {out}")


if __name__ == "__main__":
    os.environ.setdefault("EMPATHY_TRAINER_DATA_DIR", tempfile.mkdtemp())
    os.environ.setdefault("EMPATHY_TRAINER_CONFIG_DIR", tempfile.mkdtemp())
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "practice.svg"
    asyncio.run(main(target))
