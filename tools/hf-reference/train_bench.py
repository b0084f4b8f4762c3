#!/usr/bin/env python3
"""PyTorch's training speed on Refinery's reference model, the baseline `refinery bench train` compares itself with.

The model is a Llama (HF's LlamaForCausalLM layout, as llama_reference.py beside this file: RMSNorm pre-norm,
rotate-half rotary positions, SwiGLU MLP, no biases, untied head) of the reference configuration: 6 layers, width 256,
8 heads, MLP 688, context 256, micro-batch 16, vocabulary 8192 with random token ids, float32. One step is what a
Refinery training step does: forward, cross-entropy on the next token, backward, gradient clipping at 1.0, AdamW.
Attention is written out (PyTorch 1.13, Debian's python3-torch, has no scaled_dot_product_attention).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 train_bench.py --threads 1

Unset those two variables for this command only: set for old OpenBLAS builds, they force slower kernels.
Prints one JSON line: tokens/s, the median step time (wall and CPU), estimated GFLOP/s and the process's peak resident memory.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
from torch import nn


class RmsNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads, self.head_dim = heads, width // heads
        self.q_proj = nn.Linear(width, width, bias=False)
        self.k_proj = nn.Linear(width, width, bias=False)
        self.v_proj = nn.Linear(width, width, bias=False)
        self.o_proj = nn.Linear(width, width, bias=False)

    def forward(self, x, cos, sin, future):
        b, t, width = x.shape
        # [B, T, width] → [B, T, H, d] → [B, H, T, d]
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        scores = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(self.head_dim))  # [B, H, T, T]
        scores = scores.masked_fill(future, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v  # [B, H, T, d]
        return self.o_proj(out.transpose(1, 2).reshape(b, t, width))


class Mlp(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(width, hidden, bias=False)
        self.up_proj = nn.Linear(width, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, width, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, width, heads, mlp, eps):
        super().__init__()
        self.input_layernorm = RmsNorm(width, eps)
        self.self_attn = Attention(width, heads)
        self.post_attention_layernorm = RmsNorm(width, eps)
        self.mlp = Mlp(width, mlp)

    def forward(self, x, cos, sin, future):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, future)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, vocab, width, layers, heads, mlp, context, theta=10000.0, eps=1e-5):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, width)
        self.layers = nn.ModuleList(Block(width, heads, mlp, eps) for _ in range(layers))
        self.norm = RmsNorm(width, eps)
        self.lm_head = nn.Linear(width, vocab, bias=False)
        head_dim = width // heads
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))  # [d/2]
        freqs = torch.outer(torch.arange(context).float(), inv_freq)  # [T, d/2]
        angles = torch.cat((freqs, freqs), dim=-1)  # [T, d]
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)
        self.register_buffer("future", torch.triu(torch.ones(context, context, dtype=torch.bool), 1), persistent=False)
        for p in self.parameters():  # HF's _init_weights: matrices from N(0, 0.02), norm gains stay 1
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, tokens):
        t = tokens.shape[1]
        cos, sin, future = self.cos[:t], self.sin[:t], self.future[:t, :t]
        x = self.embed_tokens(tokens)  # [B, T, width]
        for layer in self.layers:
            x = layer(x, cos, sin, future)
        return self.lm_head(self.norm(x))  # [B, T, vocab]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--mlp", type=int, default=688)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--vocab", type=int, default=8192)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = Llama(args.vocab, args.width, args.layers, args.heads, args.mlp, args.context)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
    # Random ids: the speed does not depend on the text. One window of context + 1 gives inputs and targets.
    batches = [torch.randint(args.vocab, (args.batch, args.context + 1)) for _ in range(4)]

    times, cpu_times = [], []
    for step in range(args.warmup + args.steps):
        window = batches[step % len(batches)]
        start, cpu_start = time.perf_counter(), time.process_time()
        logits = model(window[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, args.vocab), window[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)

    tokens_per_step = args.batch * args.context
    # Training FLOPs per token: 6 per weight of every matrix product (the embedding is a lookup, not one), plus the
    # written-out attention: q·kᵀ and p·v, 2·T·width multiply-adds each per token and layer, times 3 for backward.
    matmul_weights = sum(p.numel() for n, p in model.named_parameters() if p.dim() == 2 and "embed_tokens" not in n)
    flops_per_token = 6 * matmul_weights + 3 * args.layers * 2 * 2 * args.context * args.width
    median = statistics.median(times)
    # Key names are the ones services/Host/Bench reads (refinery bench train).
    print(json.dumps({
        "torch": torch.__version__,
        "threads": args.threads,
        "steps": args.steps,
        "tokens_per_step": tokens_per_step,
        "tokens_per_second": round(tokens_per_step * len(times) / sum(times), 1),
        "median_step_seconds": round(median, 4),
        # CPU seconds of all threads per step: far below threads × step time, the machine was busy with others.
        "median_step_cpu_seconds": round(statistics.median(cpu_times), 4),
        "gflop_per_second": round(flops_per_token * tokens_per_step / median / 1e9, 2),
        "parameters": sum(p.numel() for p in model.parameters()),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # ru_maxrss is in KiB
        "final_loss": round(loss.item(), 4),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
