"""Benchmark the grouping help (spcp/suggest) as the board uses it.

    .venv/bin/python bench/suggest.py [--cards 100] [--repeat 5] [--json out.json]

Cards are the labelled set's (tests/suggest/cards.toml, both parts, cycled with a number when more
are asked for). Prints medians over the repeats of:

- embedding one card as it arrives (the model, one thread), and 100 cards at once (a board opened late);
- suggestions (themes and duplicates) for all the cards once their vectors are in: what the facilitator
  waits for after "Suggest themes" (the goal: under 1 s for 100 cards);
- the duplicate check that runs after each new card;
- the event loop while the worker embeds the cards and suggests: the longest a 5 ms ticker on the loop was
  late (the goal: never blocked over 50 ms; the worker thread releases the GIL while the model runs).

Numbers, not pass/fail: this machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spcp.suggest import Suggester, worker  # noqa: E402
from spcp.suggest.embedding import ModelEmbedder  # noqa: E402


def labelled_texts(n: int) -> list[str]:
    rows = tomllib.loads((ROOT / 'tests/suggest/cards.toml').read_text(encoding='utf-8'))['card']
    texts = [r['text'] for r in rows]
    return [texts[i % len(texts)] + (f' ({i // len(texts)})' if i >= len(texts) else '') for i in range(n)]


def timed(job) -> float:
    start = time.perf_counter()
    job()
    return (time.perf_counter() - start) * 1000


def median_ms(job, repeat: int) -> float:
    return statistics.median(timed(job) for _ in range(repeat))


async def loop_lateness(texts: list[str]) -> tuple[float, float]:
    """(longest ticker lateness in ms, wall time in ms) while the worker embeds ``texts`` and suggests."""
    worst, done = 0.0, False

    async def tick() -> None:
        nonlocal worst
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, (time.perf_counter() - before - 0.005) * 1000)

    ticker = asyncio.create_task(tick())
    start = time.perf_counter()
    for text in texts:  # as cards arrive, one by one
        worker.embed_soon([text])
    await worker.run(lambda s: s.suggest(texts))
    wall = (time.perf_counter() - start) * 1000
    done = True
    await ticker
    return worst, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--cards', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--json', type=Path)
    args = parser.parse_args()
    texts = labelled_texts(args.cards)
    embedder = ModelEmbedder()
    one = median_ms(lambda: embedder.embed([texts[0]]), args.repeat * 4)
    batch = median_ms(lambda: embedder.embed(texts), max(1, args.repeat // 2))
    warm = Suggester(embedder)
    warm.cache.add(texts)
    suggest = median_ms(lambda: warm.suggest(texts), args.repeat)
    duplicates = median_ms(lambda: warm.duplicates(texts), args.repeat)
    worker.use(Suggester(embedder))
    # new wordings each round (a mark appended), so nothing is cached yet
    lateness = [asyncio.run(loop_lateness([f'{text} #{r}' for text in texts])) for r in range(max(1, args.repeat // 2))]
    result = {
        'command': ' '.join(sys.argv), 'cards': args.cards, 'repeat': args.repeat, 'model': embedder.name,
        'embed_one_card_ms': round(one, 1), f'embed_{args.cards}_cards_ms': round(batch),
        f'suggest_{args.cards}_cards_after_embedding_ms': round(suggest, 1),
        f'duplicates_{args.cards}_cards_ms': round(duplicates, 1),
        'event_loop_worst_lateness_ms': round(statistics.median(w for w, _ in lateness), 1),
        f'embed_and_suggest_{args.cards}_arriving_cards_wall_ms': round(statistics.median(t for _, t in lateness)),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + '\n', encoding='utf-8')


if __name__ == '__main__':
    main()
