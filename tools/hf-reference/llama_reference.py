#!/usr/bin/env python3
"""An independent PyTorch forward pass of Hugging Face's LlamaForCausalLM, for checking Refinery's model folders.

`transformers` cannot be installed where Refinery is built, so this script stands in for it: it was written from
HF's modeling_llama.py and LlamaConfig (same tensor names, RMSNorm in float32, rotate-half rotary positions,
repeat_kv for grouped-query attention, causal softmax attention written out, SwiGLU MLP, tied or separate head)
and shares no code with Refinery. tests/Refinery.Modeling.Tests/HfReferenceTests.cs saves random Refinery models,
runs this script on them and compares the logits, so a folder this script reads the way HF does is one HF loads.

Needs only PyTorch (Debian's python3-torch 1.13 is enough: no scaled_dot_product_attention, no safetensors
package; the safetensors file is parsed here by hand).

    python3 llama_reference.py MODEL_FOLDER --tokens 1,5,7 --tokens 3,2

prints one JSON object: {"logits": [[[float, ...] per position] per --tokens sequence]}.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

# safetensors dtype names → torch dtypes (the ones a Llama checkpoint may hold).
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


class FolderError(Exception):
    """The folder is not one HF's LlamaForCausalLM would load; the message says what is wrong."""


def read_safetensors(path):
    """name → tensor, from the safetensors layout: u64 little-endian header length, a JSON header of
    {name: {dtype, shape, data_offsets: [begin, end)}} (offsets relative to the end of the header), raw data."""
    if sys.byteorder != "little":
        raise FolderError("this reader assumes a little-endian machine, as safetensors data is little-endian")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise FolderError(f"{path}: shorter than the 8-byte header length")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        raise FolderError(f"{path}: header of {header_length} bytes runs past the end of the file")
    header = json.loads(data[8:8 + header_length].decode("utf-8"))
    body = memoryview(data)[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            raise FolderError(f"tensor '{name}' has dtype {entry['dtype']}, which a Llama checkpoint does not use")
        begin, end = entry["data_offsets"]
        shape = list(entry["shape"])
        element_size = torch.tensor([], dtype=dtype).element_size()
        if end > len(body) or end - begin != math.prod(shape) * element_size:
            raise FolderError(f"tensor '{name}': data_offsets {begin}..{end} do not fit shape {shape} "
                              f"and the {len(body)} data bytes")
        raw = bytearray(body[begin:end])  # a private, writable copy: frombuffer shares memory
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(shape).to(torch.float32)
    return tensors


class Config:
    """The LlamaConfig fields the forward pass needs, with LlamaConfig's defaults where config.json leaves one out."""

    def __init__(self, raw):
        def required(field):
            if field not in raw:
                raise FolderError(f"config.json: missing '{field}'")
            return raw[field]

        if raw.get("model_type", "llama") != "llama":
            raise FolderError(f"config.json: model_type is {raw['model_type']!r}, not 'llama'")
        self.vocab_size = required("vocab_size")
        self.hidden_size = required("hidden_size")
        self.intermediate_size = required("intermediate_size")
        self.num_hidden_layers = required("num_hidden_layers")
        self.num_attention_heads = required("num_attention_heads")
        # LlamaConfig: a missing or null num_key_value_heads means plain multi-head attention.
        self.num_key_value_heads = raw.get("num_key_value_heads") or self.num_attention_heads
        # Newer LlamaConfig has head_dim; without it a head is hidden_size / num_attention_heads wide.
        self.head_dim = raw.get("head_dim") or self.hidden_size // self.num_attention_heads
        self.rms_norm_eps = raw.get("rms_norm_eps", 1e-6)
        self.rope_theta = raw.get("rope_theta", 10000.0)
        self.tie_word_embeddings = raw.get("tie_word_embeddings", False)
        self.max_position_embeddings = raw.get("max_position_embeddings", 2048)
        # Features HF supports and this reference does not: refuse rather than compute something else.
        for field, plain in (("rope_scaling", None), ("attention_bias", False), ("mlp_bias", False),
                             ("pretraining_tp", 1), ("hidden_act", "silu")):
            if raw.get(field, plain) != plain:
                raise FolderError(f"config.json: {field} = {raw[field]!r}; this reference implements only {plain!r}")
        if self.num_attention_heads % self.num_key_value_heads:
            raise FolderError("config.json: num_key_value_heads must divide num_attention_heads")

    def expected_shapes(self):
        """HF's state dict of LlamaForCausalLM: nn.Linear weights are [out_features, in_features]."""
        h, q, kv = self.hidden_size, self.num_attention_heads * self.head_dim, self.num_key_value_heads * self.head_dim
        shapes = {"model.embed_tokens.weight": [self.vocab_size, h], "model.norm.weight": [h]}
        for i in range(self.num_hidden_layers):
            p = f"model.layers.{i}."
            shapes[p + "self_attn.q_proj.weight"] = [q, h]
            shapes[p + "self_attn.k_proj.weight"] = [kv, h]
            shapes[p + "self_attn.v_proj.weight"] = [kv, h]
            shapes[p + "self_attn.o_proj.weight"] = [h, q]
            shapes[p + "mlp.gate_proj.weight"] = [self.intermediate_size, h]
            shapes[p + "mlp.up_proj.weight"] = [self.intermediate_size, h]
            shapes[p + "mlp.down_proj.weight"] = [h, self.intermediate_size]
            shapes[p + "input_layernorm.weight"] = [h]
            shapes[p + "post_attention_layernorm.weight"] = [h]
        if not self.tie_word_embeddings:
            shapes["lm_head.weight"] = [self.vocab_size, h]
        return shapes


def check_tensors(config, tensors):
    """Refuses a state dict that is not exactly LlamaForCausalLM's for this config, naming every tensor at fault."""
    expected = config.expected_shapes()
    problems = [f"unexpected tensor '{n}'" for n in sorted(tensors) if n not in expected]
    for name, shape in expected.items():
        if name not in tensors:
            problems.append(f"missing tensor '{name}'")
        elif list(tensors[name].shape) != shape:
            problems.append(f"tensor '{name}' has shape {list(tensors[name].shape)}, expected {shape}")
    if problems:
        raise FolderError("model.safetensors: " + "; ".join(problems))


def rms_norm(x, weight, eps):
    """LlamaRMSNorm: normalised in float32 whatever the input dtype, then scaled by the gain."""
    x32 = x.to(torch.float32)
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x32.to(x.dtype)


def rotary_cos_sin(config, length):
    """cos and sin [T, head_dim] of LlamaRotaryEmbedding for positions 0..T-1, in float32 as HF computes them."""
    inv_freq = 1.0 / (config.rope_theta ** (torch.arange(0, config.head_dim, 2, dtype=torch.int64).float()
                                            / config.head_dim))  # [d/2]
    positions = torch.arange(length, dtype=torch.int64).float()  # [T]
    freqs = torch.outer(positions, inv_freq)  # [T, d/2]
    angles = torch.cat((freqs, freqs), dim=-1)  # [T, d]: feature i pairs with i + d/2
    return angles.cos(), angles.sin()


def rotate_half(x):
    """[x1, x2] → [-x2, x1] over the last dimension."""
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, groups):
    """[B, kv_heads, T, d] → [B, kv_heads * groups, T, d]: each key/value head serves `groups` query heads in a row."""
    if groups == 1:
        return x
    b, kv_heads, t, d = x.shape
    return x[:, :, None, :, :].expand(b, kv_heads, groups, t, d).reshape(b, kv_heads * groups, t, d)


def attention(config, w, prefix, x, cos, sin):
    """LlamaAttention (eager): projections, rotary on q and k, causal softmax(q·kᵀ/√d)·v, output projection."""
    b, t, _ = x.shape
    heads, kv_heads, d = config.num_attention_heads, config.num_key_value_heads, config.head_dim
    q = (x @ w[prefix + "q_proj.weight"].T).view(b, t, heads, d).transpose(1, 2)  # [B, H, T, d]
    k = (x @ w[prefix + "k_proj.weight"].T).view(b, t, kv_heads, d).transpose(1, 2)  # [B, KV, T, d]
    v = (x @ w[prefix + "v_proj.weight"].T).view(b, t, kv_heads, d).transpose(1, 2)  # [B, KV, T, d]
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    k = repeat_kv(k, heads // kv_heads)  # [B, H, T, d]
    v = repeat_kv(v, heads // kv_heads)
    scores = (q @ k.transpose(2, 3)) / math.sqrt(d)  # [B, H, T, T]
    # HF's causal mask adds the dtype's most negative value above the diagonal.
    future = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(future, torch.finfo(scores.dtype).min)
    probabilities = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    out = (probabilities @ v).transpose(1, 2).reshape(b, t, heads * d)  # [B, T, H·d]
    return out @ w[prefix + "o_proj.weight"].T


def mlp(w, prefix, x):
    """LlamaMLP: down(silu(gate(x)) · up(x))."""
    gate = x @ w[prefix + "gate_proj.weight"].T
    up = x @ w[prefix + "up_proj.weight"].T
    return (torch.nn.functional.silu(gate) * up) @ w[prefix + "down_proj.weight"].T


@torch.no_grad()
def logits(config, w, tokens):
    """LlamaForCausalLM.forward: token ids [B, T] → logits [B, T, vocab], positions 0..T-1, no padding."""
    if tokens.min() < 0 or tokens.max() >= config.vocab_size:
        raise FolderError(f"token ids must lie in [0, {config.vocab_size})")
    t = tokens.shape[1]
    cos, sin = rotary_cos_sin(config, t)
    x = w["model.embed_tokens.weight"][tokens]  # [B, T, hidden]
    for i in range(config.num_hidden_layers):
        p = f"model.layers.{i}."
        x = x + attention(config, w, p + "self_attn.", rms_norm(x, w[p + "input_layernorm.weight"], config.rms_norm_eps),
                          cos, sin)
        x = x + mlp(w, p + "mlp.", rms_norm(x, w[p + "post_attention_layernorm.weight"], config.rms_norm_eps))
    x = rms_norm(x, w["model.norm.weight"], config.rms_norm_eps)
    head = w["model.embed_tokens.weight"] if config.tie_word_embeddings else w["lm_head.weight"]
    return x @ head.T  # [B, T, vocab]


def load(folder):
    try:
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            config = Config(json.load(f))
        tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    except (OSError, ValueError) as e:  # a missing file, or JSON that does not parse
        raise FolderError(str(e)) from e
    check_tensors(config, tensors)
    return config, tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="a model folder: config.json and model.safetensors")
    parser.add_argument("--tokens", action="append", required=True,
                        help="comma-separated token ids of one sequence; repeat for more sequences")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        config, tensors = load(args.folder)
        results = []
        for sequence in args.tokens:
            ids = torch.tensor([[int(t) for t in sequence.split(",")]], dtype=torch.int64)  # [1, T]
            results.append(logits(config, tensors, ids)[0].tolist())
    except FolderError as e:
        print(f"llama_reference: {e}", file=sys.stderr)
        return 2
    json.dump({"logits": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
