"""PyTorch reference of the benchmark SASRec, mirroring bench/lib/sasrec.ts.

Reads a job file written by bench/train.ts (weights, data, batch order,
hyperparameters), trains, and prints one JSON result line. Run it with
Debian's interpreter, which has python3-torch:

    /usr/bin/python3 bench/reference/sasrec.py JOB.json
"""
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_weights(job):
    """Reads the float32 weights that our side exported, in order."""
    flat = np.fromfile(job["weightsPath"], dtype="<f4")
    weights = {}
    offset = 0
    for name, shape in job["weightShapes"]:
        size = int(np.prod(shape))
        values = flat[offset:offset + size].reshape(shape).copy()
        weights[name] = torch.tensor(values, requires_grad=True)
        offset += size
    if offset != flat.size:
        raise ValueError(f"weights file has {flat.size} floats, expected {offset}")
    return weights


class Sasrec:
    """Pre-norm SASRec with the layout and op order of the TS model."""

    def __init__(self, config, weights):
        self.c = config
        self.w = weights
        length = config["maxLength"]
        upper = torch.triu(torch.ones(length, length, dtype=torch.bool), 1)
        self.mask = torch.zeros(length, length).masked_fill(upper, -1e9)

    def dropout(self, x, training):
        rate = self.c["dropout"]
        return F.dropout(x, rate, True) if training and rate > 0 else x

    def layer_norm(self, x, prefix):
        d = x.shape[-1]
        return F.layer_norm(x, (d,), self.w[prefix + "gamma"],
                            self.w[prefix + "beta"], eps=1e-8)

    def split_heads(self, x, batch):
        heads = self.c["heads"]
        dk = self.c["hiddenSize"] // heads
        return x.view(batch, -1, heads, dk).transpose(1, 2)

    def attention(self, i, x, normed, batch, training):
        w, p = self.w, f"block_{i}/"
        q = self.split_heads(normed @ w[p + "wq"] + w[p + "bq"], batch)
        k = self.split_heads(x @ w[p + "wk"] + w[p + "bk"], batch)
        v = self.split_heads(x @ w[p + "wv"] + w[p + "bv"], batch)
        scale = 1 / math.sqrt(self.c["hiddenSize"] / self.c["heads"])
        scores = (q @ k.transpose(-1, -2)) * scale + self.mask
        probabilities = self.dropout(torch.softmax(scores, -1), training)
        context = (probabilities @ v).transpose(1, 2)
        merged = context.reshape(-1, self.c["hiddenSize"])
        return merged @ w[p + "wo"] + w[p + "bo"]

    def feed_forward(self, i, x, training):
        w, p = self.w, f"block_{i}/"
        inner = self.dropout(x @ w[p + "w1"] + w[p + "b1"], training)
        outer = torch.relu(inner) @ w[p + "w2"] + w[p + "b2"]
        return self.dropout(outer, training)

    def encode(self, sequences, training):
        """[B, L] int64 -> [B * L, width] final states."""
        w, c = self.w, self.c
        batch = sequences.shape[0]
        flat = sequences.reshape(-1)
        keep = (flat != 0).float().unsqueeze(1)
        x = F.embedding(flat, w["item_embedding"]) * math.sqrt(c["embeddingSize"])
        if "input_projection" in w:
            x = x @ w["input_projection"]
        x = x + w["position_embedding"].repeat(batch, 1)
        x = self.dropout(x, training) * keep
        for i in range(c["blocks"]):
            normed = self.layer_norm(x, f"block_{i}/ln1_")
            residual = normed + self.attention(i, x, normed, batch, training)
            normed2 = self.layer_norm(residual, f"block_{i}/ln2_")
            x = (normed2 + self.feed_forward(i, normed2, training)) * keep
        final = self.layer_norm(x, "final_")
        return final @ w["head"] if "head" in w else final

    def batch_loss(self, batch, training):
        hidden = self.encode(batch["inputs"], training)
        rows = hidden[batch["validRows"]]
        logits = rows @ self.w["item_embedding"][1:].t()
        return F.cross_entropy(logits, batch["targets"])


def make_batch(train, users, length):
    """Same layout as makeBatch in bench/lib/sasrec.ts."""
    inputs = np.zeros((len(users), length), dtype=np.int64)
    valid, targets = [], []
    for b, user in enumerate(users):
        history = train[user]
        count = min(len(history) - 1, length)
        start = len(history) - 1 - count
        inputs[b, length - count:] = history[start:start + count]
        valid.extend(range(b * length + length - count, (b + 1) * length))
        targets.extend(t - 1 for t in history[start + 1:start + 1 + count])
    return {
        "inputs": torch.from_numpy(inputs),
        "validRows": torch.tensor(valid, dtype=torch.int64),
        "targets": torch.tensor(targets, dtype=torch.int64),
    }


def evaluate_ndcg10(model, data, batch_size=256):
    """Full ranking NDCG@10, padding excluded, ties against the target."""
    length = model.c["maxLength"]
    histories, targets = data["testHistories"], data["testTargets"]
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(histories), batch_size):
            chunk = histories[start:start + batch_size]
            inputs = np.zeros((len(chunk), length), dtype=np.int64)
            for b, history in enumerate(chunk):
                kept = history[-length:]
                inputs[b, length - len(kept):] = kept
            hidden = model.encode(torch.from_numpy(inputs), False)
            final = hidden.view(len(chunk), length, -1)[:, -1, :]
            scores = final @ model.w["item_embedding"].t()
            target = torch.tensor(targets[start:start + len(chunk)])
            target_scores = scores.gather(1, target.unsqueeze(1))
            beats = scores[:, 1:] >= target_scores
            ranks = beats.sum(1) - 1  # the target ties with itself
            for rank in ranks.tolist():
                if rank < 10:
                    total += 1 / math.log2(rank + 2)
    return total / len(histories)


def main():
    with open(sys.argv[1]) as handle:
        job = json.load(handle)
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job.get("seed", 0))
    with open(job["dataPath"]) as handle:
        data = json.load(handle)
    model = Sasrec(job["config"], load_weights(job))
    params = list(model.w.values())
    optimizer = torch.optim.Adam(params, lr=job["learningRate"],
                                 betas=(job["beta1"], job["beta2"]),
                                 eps=job["epsilon"])
    losses, epoch_seconds, step_seconds, step_cpu_seconds = [], [], [], []
    steps_left = job.get("maxSteps") or 1 << 62
    for order in job["orders"]:
        started = time.perf_counter()
        for i in range(0, len(order), job["batchSize"]):
            if steps_left == 0:
                break
            step_started = time.perf_counter()
            cpu_started = time.process_time()
            batch = make_batch(data["train"], order[i:i + job["batchSize"]],
                               job["config"]["maxLength"])
            optimizer.zero_grad(set_to_none=True)
            loss = model.batch_loss(batch, job["config"]["dropout"] > 0)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            step_seconds.append(time.perf_counter() - step_started)
            step_cpu_seconds.append(time.process_time() - cpu_started)
            steps_left -= 1
        epoch_seconds.append(time.perf_counter() - started)
    result = {"losses": losses, "epochSeconds": epoch_seconds,
              "stepSeconds": step_seconds, "stepCpuSeconds": step_cpu_seconds}
    if job.get("evaluate"):
        started = time.perf_counter()
        result["ndcg10"] = evaluate_ndcg10(model, data)
        elapsed = time.perf_counter() - started
        result["evalUsersPerSecond"] = len(data["testHistories"]) / elapsed
    result["maxRssMb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
