"""Scoring generated text (a language model's CIFs): texts that do not parse get no reward
(None) instead of failing the batch."""

from __future__ import annotations

import re
from typing import Any, Generator, Sequence

from .client import RewardClient, ScoreResult
from .errors import BadRequest

# The fields a CIF needs before it is worth sending: a data block, a cell and fractional sites.
_REQUIRED = ("data_", "_cell_length_a", "_atom_site_fract_x")
_STRUCTURE_FIELD = re.compile(r"^structures\[(\d+)\]")

_Plan = Generator[list[str], "ScoreResult | BadRequest", list["float | None"]]


def plausible_cif(text: str | None) -> bool:
    """Whether `text` has the fields every CIF of a structure has (the server judges the rest)."""
    return text is not None and all(key in text for key in _REQUIRED)


def _plan(texts: Sequence[str | None]) -> _Plan:
    """Yields the CIFs to score and receives the result or the refusal; each refusal that names
    a structure drops it (no reward) and the rest are sent again. Returns one total per text,
    None for those dropped and for those that abstained."""
    kept = [index for index, text in enumerate(texts) if plausible_cif(text)]
    rewards: list[float | None] = [None] * len(texts)
    while kept:
        answer = yield [texts[index] for index in kept]  # type: ignore[misc]
        if isinstance(answer, BadRequest):
            match = _STRUCTURE_FIELD.match(answer.field or "")
            if match is None or int(match.group(1)) >= len(kept):
                raise answer
            del kept[int(match.group(1))]
            continue
        for index, total in zip(kept, answer.rewards.tolist()):
            rewards[index] = None if total != total else total
        break
    return rewards


def score_texts(client: RewardClient, texts: Sequence[str | None]) -> list[float | None]:
    """One total per CIF text, None where it does not parse or abstained; one batch."""
    plan = _plan(texts)
    try:
        batch = next(plan)
        while True:
            try:
                answer: ScoreResult | BadRequest = client.score(batch)
            except BadRequest as refusal:
                answer = refusal
            batch = plan.send(answer)
    except StopIteration as done:
        return done.value


async def async_score_texts(client: RewardClient, texts: Sequence[str | None]) -> list[float | None]:
    """`score_texts` for asyncio."""
    plan = _plan(texts)
    try:
        batch = next(plan)
        while True:
            try:
                answer: ScoreResult | BadRequest = await client.async_score(batch)
            except BadRequest as refusal:
                answer = refusal
            batch = plan.send(answer)
    except StopIteration as done:
        return done.value


def content(message: Any) -> str:
    """The text of a completion or prompt: a string, or the last message of a conversation
    (TRL's conversational format, a list of ``{"role", "content"}`` dicts)."""
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        return str(message.get("content", ""))
    if isinstance(message, (list, tuple)) and message:
        return content(message[-1])
    raise TypeError(f"a completion must be text or a list of messages, not {type(message).__name__}")


def client_for(client_or_urls: RewardClient | str | Sequence[str], **options: Any) -> RewardClient:
    """`client_or_urls` itself when it is a client, else a new client of those URLs."""
    if isinstance(client_or_urls, RewardClient):
        return client_or_urls
    return RewardClient(client_or_urls, **options)
