"""`llmconform sweep`: every model a provider advertises — does it answer, is it what it claims, how fast.

The modules, in the order a sweep uses them:

- `sources`  where the model names come from (the provider's list, the profile's catalogue, flags),
  their kinds, and the deterministic shard split;
- `plan`     one item per model and surface, what each costs, what the budget covers (`--plan`);
- `probes`   the requests (read from the `sweep*` probes in `openapi/`) and what an answer shows;
- `run`      the batches: probes at --concurrency, timing re-probes one at a time, canaries;
- `billing`  the billing column: the usage the probe's own answer reported, read by its API's rule;
- `findings` refusal kinds and the per-model and cross-model signals (`sweep/<concern>/<name>`);
- `report`   the JSON report (shape in `llmconform/schemas/sweep-report.schema.json`);
- `render`   Markdown, HTML and terminal text of one report;
- `compare`  shards merged, and the model x vendor matrix of several reports;
- `cli`      `llmconform sweep` itself.
"""
