"""Writes a retrieval circuit into the first two layers of a Llama model before training.

From random initialisation a 2-core CPU never got the demo model to retrieve (models/
kvasir-demo-retrieval/README.md lists the runs: no induction head formed in 5,400 steps). So the
training tool starts from weights that already hold the circuit those runs failed to find, written
out by hand, and training goes on from there. The circuit is an induction head (Olsson et al. 2022)
that matches three tokens instead of one:

- Layer 0, heads 0-2: positional heads. Their queries and keys read only a constant component of
  every token embedding, and RoPE turns their dot product into a sum of cosines of the distance that
  peaks at distance 1, 2 or 3. Each copies the attended token's match code into its own slot of the
  residual stream, so every position knows the three tokens before it.
- Layer 0, head 3: a duplicate-token head (attends to earlier copies of its own token). The circuit
  does not read it; it is there so that the first layer's attention, like a real model's, looks from
  the question at the fact that holds the asked key (WindowKV picks every layer's tokens from its
  group's first layer).
- Layer 1, head 0: the induction head. Position t attends to the position s whose three previous
  tokens are t's own token and the two before it (score = <code(t), prev1(s)> + <prev1(t), prev2(s)>
  + <prev2(t), prev3(s)>), and copies s's token to the output. After the answer prefix "... for KEY
  is" it finds "for KEY is NN" in the context and says NN; at each answer token after that it finds
  the next digit pair of the same number ("KEY is NN" -> the second pair, and so on), which no
  distractor fact shares even when its number starts with the same pair. Query and key sit in RoPE's
  slowest pairs, which turn by at most 0.4 rad over 2K positions, so the match ignores distance.

Match codes (random unit vectors) exist only for the tokens an answer needs (keys, digit groups,
" is", "."); every other token has one shared code outside the matched subspace, so filler matches
nothing. The circuit's layers and the embedding stay frozen in training (freeze()); the MLPs of layers
0-1 and the heads the circuit leaves unused keep zero output, and the later layers learn the rest
(the filler's grammar, ending the answer).
"""

import math

import torch

# Residual stream layout (hidden 128): token output code | own match code | match codes of the
# previous 1, 2, 3 tokens | constant.
OUT, MATCH, BACK = 55, 18, 3
CUR = OUT
CONST = OUT + (1 + BACK) * MATCH  # = 127
HIDDEN = CONST + 1

# Attention logits: a positional head's peak exceeds its neighbours by about POSITIONAL_GAP; one
# matched token adds MATCH_LOGIT to an induction score; the copied token's output code is scaled by
# COPY_GAIN against the position's own embedding (1).
POSITIONAL_GAP, MATCH_LOGIT, COPY_GAIN = 18.0, 24.0, 10.0
SLOW_PAIRS_FROM = 6  # RoPE pairs 6..31 of a 64-dim head turn by < 0.4 rad over 2K positions at theta 1e20
ROPE_THETA, HEAD_DIM = 1e20, 64


def prev(distance):
    """Where the match code of the token `distance` positions back sits in the residual."""
    return CUR + distance * MATCH


def config_overrides():
    """What the circuit needs from the model config."""
    return dict(hidden_size=HIDDEN, head_dim=HEAD_DIM, num_attention_heads=4, num_key_value_heads=2,
                rope_theta=ROPE_THETA)


def unit_rows(generator, n, dim):
    rows = torch.randn(n, dim, generator=generator)
    return rows / rows.norm(dim=1, keepdim=True)


@torch.no_grad()
def write(model, copyable, seed):
    """Sets the embedding and layers 0 and 1 of `model` (a LlamaForCausalLM with config_overrides());
    `copyable` are the token ids that get match codes. Zeroes every other output path."""
    cfg = model.config
    assert cfg.hidden_size == HIDDEN and cfg.head_dim == HEAD_DIM and cfg.num_hidden_layers >= 2
    g = torch.Generator().manual_seed(seed)
    vocab = cfg.vocab_size
    emb = torch.zeros(vocab, HIDDEN)
    emb[:, :OUT] = unit_rows(g, vocab, OUT)
    emb[:, CUR + MATCH - 1] = 1.0  # the shared code of every token that is not copyable
    codes = unit_rows(g, len(copyable), MATCH - 1)
    for row, token in zip(codes, copyable):
        emb[token, CUR + MATCH - 1] = 0.0
        emb[token, CUR:CUR + MATCH - 1] = row
    emb[:, CONST] = 1.0
    model.model.embed_tokens.weight.copy_(emb)  # tied: also the output projection

    for layer in model.model.layers:  # every output path starts at zero
        layer.self_attn.o_proj.weight.zero_()
        layer.mlp.down_proj.weight.zero_()
        for norm in (layer.input_layernorm, layer.post_attention_layernorm):
            norm.weight.fill_(1.0)
    model.model.norm.weight.fill_(2.0)  # sharper output distribution; the argmax does not change

    half = HEAD_DIM // 2
    theta = ROPE_THETA ** (-torch.arange(half, dtype=torch.float64) * 2 / HEAD_DIM)
    # Layer 0: every position's residual is one embedding of squared norm 3, so RMSNorm scales it by
    # sqrt(HIDDEN / 3) and the constant component reads as that.
    attn0 = model.model.layers[0].self_attn
    const0 = math.sqrt(HIDDEN / 3)
    fast = theta[:SLOW_PAIRS_FROM]
    a = POSITIONAL_GAP * math.sqrt(HEAD_DIM) / float(sum(1 - torch.cos(fast)))
    slots = [j for j in range(SLOW_PAIRS_FROM, half)] + [j + half for j in range(SLOW_PAIRS_FROM, half)]
    m = MATCH - 1  # the matched part of a code (the shared filler code is left out)
    for w in (attn0.q_proj.weight, attn0.k_proj.weight, attn0.v_proj.weight):
        w.zero_()

    def head_rows(weight, index):
        return weight[index * HEAD_DIM:(index + 1) * HEAD_DIM]

    for kv in range(cfg.num_key_value_heads):
        # Every key: the constant in RoPE's fast pairs (for the positional heads), the token's match
        # code in the slow ones (for the duplicate-token head); every value: the match code.
        k, v = head_rows(attn0.k_proj.weight, kv), head_rows(attn0.v_proj.weight, kv)
        k[:SLOW_PAIRS_FROM, CONST] = 1.0 / const0
        for i in range(m):
            k[slots[i], CUR + i] = 1.0 / const0
        v[torch.arange(MATCH), CUR + torch.arange(MATCH)] = 1.0 / const0
    for head in range(BACK + 1):
        q = head_rows(attn0.q_proj.weight, head)
        if head < BACK:
            # Positional head: score(t, s) = sum_j a cos(theta_j (t - s - distance)) / sqrt(head_dim)
            # over the fast pairs, peaked at the distance; the nearest competitors (one position off)
            # lose a * sum_j (1 - cos theta_j). Query: a e^{-i theta_j distance} against key (1, 0).
            distance = head + 1
            q[:SLOW_PAIRS_FROM, CONST] = a * torch.cos(fast * distance).float()
            q[half:half + SLOW_PAIRS_FROM, CONST] = -a * torch.sin(fast * distance).float()
            attn0.o_proj.weight[prev(distance) + torch.arange(MATCH), head * HEAD_DIM + torch.arange(MATCH)] = 1.0
        else:
            # Duplicate-token head (early layers of real models have them): attends to earlier
            # occurrences of its own token, so the question's key looks at the fact that holds it.
            # Its output is zero: the circuit does not need it, but the attention it pays is what
            # lets a method that scores tokens in the first layer (WindowKV's group leader) see
            # the facts, as it would in a real model.
            for i in range(m):
                q[slots[i], CUR + i] = MATCH_LOGIT * math.sqrt(HEAD_DIM)
    attn0.q_proj.weight.mul_(1.0 / const0)

    # Layer 1: residual = embedding + BACK previous codes, squared norm 3 + BACK.
    attn1 = model.model.layers[1].self_attn
    const1 = math.sqrt(HIDDEN / (3 + BACK))
    assert BACK * m <= len(slots)
    scale = math.sqrt(MATCH_LOGIT * math.sqrt(HEAD_DIM)) / const1
    q1, k1, v1 = attn1.q_proj.weight, attn1.k_proj.weight, attn1.v_proj.weight
    q1.zero_()
    k1.zero_()
    v1.zero_()
    for d in range(BACK):  # the token d back from t against the token d + 1 back from s
        for i in range(m):
            q1[slots[d * m + i], prev(d) + i] = scale
            k1[slots[d * m + i], prev(d + 1) + i] = scale
    v1[torch.arange(OUT), torch.arange(OUT)] = 1.0 / const1  # value: the token's output code
    attn1.o_proj.weight[torch.arange(OUT), torch.arange(OUT)] = COPY_GAIN


def freeze(model):
    """Keeps the circuit as written: the (tied) embedding and layers 0-1 get no gradient. Training
    only moves the later layers and the final norm, so retrieval and the first layer's attention
    (which WindowKV's group leader scores) stay exactly as constructed."""
    model.model.embed_tokens.weight.requires_grad_(False)
    for layer in model.model.layers[:2]:
        layer.requires_grad_(False)
