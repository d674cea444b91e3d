"""The vectors: one per input, in order, of one length, encoded as asked."""

import pytest

from llmconform import checks
from llmconform.surfaces.embeddings import decode_base64, is_float_vector, items, vectors
from llmconform.verdict import expect


@pytest.mark.check("embeddings/data/one-per-input", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateEmbeddingResponse.data, "
                          "Embedding.index; openapi/embeddings.yaml#/components/schemas/CreateEmbeddingResponse; "
                          "openapi/embeddings.yaml#/components/schemas/Embedding")
def test_one_per_input(batch):
    """Three inputs → three `data[]` entries with `index` 0, 1, 2 in that order."""
    found = items(checks.ok_json(batch))
    wanted = len(batch.request.body["input"])
    expect(len(found) == wanted, f"{wanted} embeddings for {wanted} inputs", f"{len(found)} embeddings")
    indexes = [e.get("index") for e in found]
    expect(indexes == list(range(wanted)), f"indexes {list(range(wanted))} in order", indexes)


@pytest.mark.check("embeddings/data/one-length", level="must",
                   source="openai-python api_reference/openapi.transformed.yml Embedding.embedding (a list of floats, "
                          "the model's dimension); openapi/embeddings.yaml#/components/schemas/Embedding")
def test_one_length(basic, batch):
    """Every vector is a non-empty array of finite numbers, and all have the same length (one model,
    one dimension)."""
    found = vectors(checks.ok_json(basic)) + vectors(checks.ok_json(batch))
    expect(found, "embedding vectors in the answers", found)
    for index, vector in enumerate(found):
        expect(is_float_vector(vector), "every embedding a non-empty array of finite numbers",
               f"vector {index}: {vector!r:.200}")
    lengths = [len(v) for v in found]
    expect(len(set(lengths)) == 1, "every vector of one length", lengths)


@pytest.mark.check("embeddings/data/base64", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateEmbeddingRequest.encoding_format "
                          "(float | base64); openapi/embeddings.yaml#/components/schemas/CreateEmbeddingRequest; "
                          "openapi/embeddings.yaml#/components/schemas/Embedding")
def test_base64(base64, basic):
    """`encoding_format: base64` → every embedding a base64 string that decodes to little-endian
    float32 values, as many as the float answer's vectors have."""
    found = vectors(checks.ok_json(base64))
    expect(found, "embeddings in the base64 answer", found)
    floats = [v for v in vectors(checks.ok_json(basic)) if isinstance(v, list)]
    expect(floats, "a float vector in the basic answer to compare with", vectors(checks.ok_json(basic)))
    for index, value in enumerate(found):
        expect(isinstance(value, str), "embedding a base64 string when encoding_format is base64",
               f"vector {index}: {type(value).__name__} {value!r:.120}")
        decoded = decode_base64(value)
        expect(decoded is not None, "base64 of little-endian float32 values", f"vector {index}: {value!r:.120}")
        expect(len(decoded or []) == len(floats[0]),
               f"{len(floats[0])} float32 values, as in the float answer", f"{len(decoded or [])} values")
