"""PyTorch reference of the product's sequential model, for bench/train.ts.

It mirrors src/models op for op: `SequentialModel` in model.ts (with
attention.ts and layers.ts), the batches of batches.ts, the full-softmax
cross-entropy of objective.ts and softmax-loss.ts, and Adam as adam.ts
writes it. Weights arrive under the product's names (weights.ts), so both
sides start from the same values.

It reads a job file written by bench/train.ts (config, weights, data,
batch order, hyperparameters), trains, ranks every test case, and prints
one JSON line. Run it with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 bench/reference/sasrec.py JOB.json
"""
import json
import math
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

# Added to the attention logits of masked keys, as in attention.ts.
MASKED_LOGIT = -1e9

# LayerNorm epsilon of layers.ts.
LAYER_NORM_EPSILON = 1e-8


def load_weights(job):
    """Read the float32 weights that our side exported, by product name."""
    flat = np.fromfile(job["weightsPath"], dtype="<f4")
    weights = {}
    offset = 0
    for name, shape in job["weightShapes"]:
        size = int(np.prod(shape))
        values = flat[offset:offset + size].reshape(shape).copy()
        weights[name] = torch.tensor(values, requires_grad=True)
        offset += size
    if offset != flat.size:
        raise ValueError(
            f"weights file {job['weightsPath']} contains {flat.size} floats "
            f"but the manifest expects {offset}: write both from one config")
    return weights


def block_names(i):
    """Return the weight names of block i, as blockWeightNames does."""
    p = f"block_{i}"
    return {
        "attention_gamma": f"{p}/attention_norm/gamma",
        "attention_beta": f"{p}/attention_norm/beta",
        "query": f"{p}/attention/query/",
        "key": f"{p}/attention/key/",
        "value": f"{p}/attention/value/",
        "output": f"{p}/attention/output/",
        "ffn_gamma": f"{p}/ffn_norm/gamma",
        "ffn_beta": f"{p}/ffn_norm/beta",
        "inner": f"{p}/ffn/inner/",
        "outer": f"{p}/ffn/outer/",
    }


def attention_mask(inputs):
    """Build the additive mask [B, 1, L, L] of attention.ts.

    It is 0 where key j <= query i holds an item and MASKED_LOGIT elsewhere.
    """
    length = inputs.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    allowed = causal & (inputs != 0)[:, None, None, :]
    mask = torch.full(allowed.shape, MASKED_LOGIT)
    return mask.masked_fill(allowed, 0.0)


def gelu(x):
    """Apply the tanh approximation of GELU that layers.ts uses."""
    inner = (x + torch.pow(x, 3) * 0.044715) * math.sqrt(2 / math.pi)
    return x * 0.5 * (torch.tanh(inner) + 1)


class SequentialModel:
    """The product's model on the exported weights; see model.ts."""

    def __init__(self, config, weights):
        if config.get("text"):
            raise ValueError(
                "the reference has no item text: benchmark an ID-only model")
        self.config = config
        self.w = weights

    def dense(self, x, prefix):
        # x @ kernel + bias as one fused BLAS call (addmm), as nn.Linear
        # runs it. The product stores kernels [in, out], nn.Linear [out, in].
        kernel, bias = self.w[prefix + "kernel"], self.w[prefix + "bias"]
        return F.linear(x, kernel.t(), bias)

    def layer_norm(self, x, gamma, beta):
        # Biased variance, as tf.moments computes it.
        return F.layer_norm(x, (x.shape[-1],), self.w[gamma], self.w[beta],
                            eps=LAYER_NORM_EPSILON)

    def dropout(self, x, training):
        rate = self.config["dropout"]
        return F.dropout(x, rate, True) if training and rate > 0 else x

    def activate(self, x):
        return gelu(x) if self.config["activation"] == "gelu" else F.relu(x)

    def embed(self, inputs):
        """Embed ids: item rows * sqrt(e), projected to d, plus positions."""
        c = self.config
        batch, length = inputs.shape
        rows = F.embedding(inputs.reshape(-1), self.w["item_embedding"])
        x = rows.view(batch, length, c["embeddingSize"])
        x = x * math.sqrt(c["embeddingSize"])
        if c["embeddingSize"] != c["hiddenSize"]:
            x = x @ self.w["input_projection/kernel"]
        positions = self.w["position_embedding"][c["maxLength"] - length:]
        return x + positions

    def self_attention(self, x, names, mask, training):
        batch, length, d = x.shape
        heads = self.config["heads"]
        head_size = d // heads

        def split(t):
            # [B, L, d] -> [B, heads, L, head_size]
            return t.view(batch, length, heads, head_size).transpose(1, 2)

        q = split(self.dense(x, names["query"]))
        k = split(self.dense(x, names["key"]))
        v = split(self.dense(x, names["value"]))
        logits = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(head_size))
        probabilities = self.dropout(torch.softmax(logits + mask, -1),
                                     training)
        context = (probabilities @ v).transpose(1, 2).reshape(batch, length,
                                                               d)
        return self.dense(context, names["output"])

    def block(self, i, x, mask, training):
        """Pre-LN block with the residual added to x, as model.ts does."""
        n = block_names(i)
        normed = self.layer_norm(x, n["attention_gamma"], n["attention_beta"])
        attended = self.self_attention(normed, n, mask, training)
        x = x + self.dropout(attended, training)
        normed = self.layer_norm(x, n["ffn_gamma"], n["ffn_beta"])
        inner = self.dense(normed, n["inner"])
        inner = self.dropout(self.activate(inner), training)
        outer = self.dense(inner, n["outer"])
        return x + self.dropout(outer, training)

    def encode(self, inputs, training):
        """Encode item ids [B, L] (0 = padding) into hidden states [B, L, d]."""
        is_item = (inputs != 0).to(torch.float32).unsqueeze(-1)
        mask = attention_mask(inputs)
        x = self.dropout(self.embed(inputs), training) * is_item
        for i in range(self.config["blocks"]):
            x = self.block(i, x, mask, training) * is_item
        return self.layer_norm(x, "final_norm/gamma", "final_norm/beta")

    def to_item_space(self, hidden):
        if self.config["head"] == "tied":
            return hidden
        return self.dense(hidden, "head/")

    def output_table(self):
        if self.config["head"] == "tied":
            return self.w["item_embedding"]
        return self.w["output_item_embedding"]

    def batch_loss(self, batch, training):
        """Return the mean full-softmax cross-entropy over items 1..N."""
        hidden = self.encode(batch["inputs"], training)
        flat = hidden.reshape(-1, hidden.shape[-1])
        states = self.to_item_space(flat[batch["positions"]])
        logits = states @ self.output_table()[1:].t()
        return F.cross_entropy(logits, batch["targets"] - 1)

    def score_all(self, inputs):
        """Score every item after each history: [B, N + 1], column 0 -inf."""
        hidden = self.encode(inputs, False)
        scores = self.to_item_space(hidden[:, -1, :]) @ self.output_table().t()
        scores[:, 0] = -math.inf
        return scores


class Adam:
    """Adam as src/models/adam.ts writes it, with per-weight step counts.

    The update is m_hat / (sqrt(v_hat) + epsilon), plus the decoupled
    weight decay times the weight, all times the learning rate.
    """

    def __init__(self, weights, learning_rate, options):
        self.weights = weights
        self.learning_rate = learning_rate
        self.options = options
        self.m = {name: torch.zeros_like(w) for name, w in weights.items()}
        self.v = {name: torch.zeros_like(w) for name, w in weights.items()}
        self.steps = {name: 0 for name in weights}

    @torch.no_grad()
    def step(self):
        beta1, beta2 = self.options["beta1"], self.options["beta2"]
        epsilon = self.options["epsilon"]
        decay = self.options["weightDecay"]
        for name, weight in self.weights.items():
            grad = weight.grad
            if grad is None:
                continue
            self.steps[name] += 1
            step = self.steps[name]
            m = self.m[name].mul_(beta1).add_(grad * (1 - beta1))
            v = self.v[name].mul_(beta2).add_(grad.square() * (1 - beta2))
            m_hat = m / (1 - beta1 ** step)
            v_hat = v / (1 - beta2 ** step)
            update = m_hat / (v_hat.sqrt() + epsilon)
            if decay > 0:
                update = update + weight * decay
            weight.sub_(update * self.learning_rate)

    def zero_grad(self):
        for weight in self.weights.values():
            weight.grad = None


def build_batch(sequences, length):
    """Build inputs, scored positions and targets as buildBatch does."""
    inputs = np.zeros((len(sequences), length), dtype=np.int64)
    positions, targets = [], []
    for row, sequence in enumerate(sequences):
        kept = sequence[-(length + 1):]
        count = len(kept) - 1
        offset = row * length + length - count
        inputs[row, length - count:] = kept[:count]
        positions.extend(range(offset, offset + count))
        targets.extend(kept[1:])
    return {
        "inputs": torch.from_numpy(inputs),
        "positions": torch.tensor(positions, dtype=torch.int64),
        "targets": torch.tensor(targets, dtype=torch.int64),
    }


def pad_histories(histories, length):
    """Keep the latest `length` items of each history, left-padded."""
    inputs = np.zeros((len(histories), length), dtype=np.int64)
    for row, history in enumerate(histories):
        kept = history[-length:]
        inputs[row, length - len(kept):] = kept
    return torch.from_numpy(inputs)


def rank_targets(scores, histories, targets):
    """Rank each target (1-based) by the rule of src/metrics/ranking.ts.

    Padding and history items are excluded except the target, and ties
    count against the target.
    """
    columns = scores.shape[1]
    penalty = torch.zeros_like(scores)
    candidates = []
    for row, (history, target) in enumerate(zip(histories, targets)):
        excluded = set(history)
        excluded.discard(target)
        excluded.add(0)
        penalty[row, list(excluded)] = -math.inf
        candidates.append(columns - len(excluded))
    target_index = torch.tensor(targets, dtype=torch.int64).unsqueeze(1)
    target_scores = scores.gather(1, target_index)
    counts = ((scores + penalty) >= target_scores).sum(1).tolist()
    # A NaN target (count 0) ranks last, as does a -inf one, which every
    # excluded item ties with.
    return [limit if count == 0 else min(count, limit)
            for count, limit in zip(counts, candidates)]


def evaluate(model, data, batch_size):
    """Rank every test case fully; return mean NDCG@10 and users/s."""
    cases = data["testCases"]
    started = time.perf_counter()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(cases), batch_size):
            chunk = cases[start:start + batch_size]
            histories = [case["history"] for case in chunk]
            targets = [case["target"] for case in chunk]
            inputs = pad_histories(histories, model.config["maxLength"])
            scores = model.score_all(inputs)
            for rank in rank_targets(scores, histories, targets):
                if rank <= 10:
                    total += 1 / math.log2(rank + 1)
    elapsed = time.perf_counter() - started
    return total / len(cases), len(cases) / elapsed


def train(job, model, data, result):
    """Run the job's batches, recording losses and step times."""
    weights = model.w
    optimizer = Adam(weights, job["learningRate"], job["adam"])
    training = job["config"]["dropout"] > 0
    length = job["config"]["maxLength"]
    steps_left = job["maxSteps"] if job["maxSteps"] > 0 else math.inf
    for batches in job["batches"]:
        epoch_started = time.perf_counter()
        steps_done = 0
        for indices in batches:
            if steps_left == 0:
                break
            started = time.perf_counter()
            cpu_started = time.process_time()
            sequences = [data["sequences"][i] for i in indices]
            batch = build_batch(sequences, length)
            optimizer.zero_grad()
            loss = model.batch_loss(batch, training)
            loss.backward()
            optimizer.step()
            result["losses"].append(loss.item())
            result["stepSeconds"].append(time.perf_counter() - started)
            result["stepCpuSeconds"].append(time.process_time() - cpu_started)
            steps_left -= 1
            steps_done += 1
        if steps_done == len(batches):
            result["epochSeconds"].append(time.perf_counter() - epoch_started)


def main():
    if len(sys.argv) != 2:
        sys.exit("Missing job file: run `/usr/bin/python3 "
                 "bench/reference/sasrec.py JOB.json` with a job that "
                 "bench/train.ts wrote.")
    with open(sys.argv[1]) as handle:
        job = json.load(handle)
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job["dropoutSeed"])
    with open(job["dataPath"]) as handle:
        data = json.load(handle)
    model = SequentialModel(job["config"], load_weights(job))
    result = {"losses": [], "epochSeconds": [], "stepSeconds": [],
              "stepCpuSeconds": []}
    train(job, model, data, result)
    if job["evaluate"]:
        ndcg10, users_per_second = evaluate(model, data,
                                            job["evaluateBatchSize"])
        result["ndcg10"] = ndcg10
        result["evalUsersPerSecond"] = users_per_second
    # ru_maxrss is in KiB on Linux.
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peakRssMb"] = rss_kib / 1024
    result["backend"] = f"torch {torch.__version__}"
    result["threads"] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
