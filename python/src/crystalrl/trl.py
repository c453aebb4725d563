"""CrystalRL rewards as a TRL ``reward_funcs`` entry, for language models that write CIF text
(the CrystaLLM line of work):

    from crystalrl.trl import reward_function
    trainer = GRPOTrainer(model=..., reward_funcs=[reward_function("http://host:8000")], ...)

The completions of a step are scored as one batch (uniqueness and diversity within it). A
completion that is not a CIF of one structure gets None, which TRL treats as "no reward for
this sample".
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Sequence

from ._texts import async_score_texts, client_for, content, score_texts
from .client import RewardClient

Parser = Callable[[Any, Any], "str | None"]
"""Makes the CIF text of one sample from its prompt and completion (None: no structure)."""

RewardFunction = Callable[..., "list[float | None]"]


def _parser(parse: str | Parser) -> Parser:
    if callable(parse):
        return parse
    if parse == "cif":
        return lambda prompt, completion: content(completion)
    if parse == "prompt+cif":
        return lambda prompt, completion: content(prompt) + content(completion)
    raise ValueError(f"parse must be 'cif', 'prompt+cif' or a callable, not {parse!r}")


def _texts(parser: Parser, prompts: Sequence[Any] | None, completions: Sequence[Any]) -> list[str | None]:
    prompts = prompts if prompts is not None else [""] * len(completions)
    if len(prompts) != len(completions):
        raise ValueError(f"{len(prompts)} prompts for {len(completions)} completions")
    return [parser(prompt, completion) for prompt, completion in zip(prompts, completions)]


def reward_function(client_or_urls: RewardClient | str | Sequence[str], parse: str | Parser = "cif",
                    name: str = "crystalrl", **client_options: Any) -> RewardFunction:
    """A TRL reward function ``(prompts, completions, **kwargs) -> list[float | None]``.

    `client_or_urls` is a `RewardClient` or the replica URLs (with `client_options` for the new
    client). `parse` says where each sample's CIF is: ``"cif"``, the completion;
    ``"prompt+cif"``, the prompt followed by the completion (a CrystaLLM prompt is the CIF's
    first line, ``data_Formula``); or a callable ``(prompt, completion) -> str | None``. TRL
    logs the reward under `name`.
    """
    client, parser = client_for(client_or_urls, **client_options), _parser(parse)

    def reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (),
               **kwargs: Any) -> list[float | None]:
        return score_texts(client, _texts(parser, prompts, completions))

    reward.__name__ = name
    return reward


def async_reward_function(client_or_urls: RewardClient | str | Sequence[str], parse: str | Parser = "cif",
                          name: str = "crystalrl",
                          **client_options: Any) -> Callable[..., Awaitable[list[float | None]]]:
    """`reward_function` as a coroutine function, for trainers that await their rewards (TRL's
    async reward functions) so that scoring overlaps with other work."""
    client, parser = client_for(client_or_urls, **client_options), _parser(parse)

    async def reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (),
                     **kwargs: Any) -> list[float | None]:
        return await async_score_texts(client, _texts(parser, prompts, completions))

    reward.__name__ = name
    return reward
