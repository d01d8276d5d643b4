#!/usr/bin/python3
"""The PyTorch peer of `hitscope cnn train`: the same network, initialisation, optimiser, batch
size and loss, on the same spectrograms, timed per epoch (Debian's python3-torch 1.13, the
same LibTorch build hitscope uses, driven from Python).

Usage: torch_cnn.py DATA_DIR EPOCHS THREADS
DATA_DIR is a hitscope spectrogram folder (index.csv, <id>.npy) whose tensors are already at
the network's input size. Prints one JSON line: {"epoch_seconds": [...], "rows": n}.
"""
import csv
import json
import os
import sys
import time

import numpy as np
import torch


class StudyNet(torch.nn.Module):
    def __init__(self, bands, frames, classes=3):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 32, 3)
        self.hidden = torch.nn.Linear(32 * ((bands - 2) // 2) * ((frames - 2) // 2), 64)
        self.dropout = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(64, classes)
        for layer in (self.conv, self.hidden, self.out):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        x = torch.nn.functional.max_pool2d(x, 2)
        x = x.flatten(1)
        x = torch.relu(self.hidden(x))
        return self.out(self.dropout(x))


def main():
    folder, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with open(os.path.join(folder, "index.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    x = np.stack([np.load(os.path.join(folder, r["npy"])) for r in rows]).astype(np.float32)
    y = np.array([0 if float(r["popularity"]) < 30 else 1 if float(r["popularity"]) < 60 else 2
                  for r in rows])
    x = (x - x.mean()) / x.std()
    x = torch.from_numpy(x[:, None, :, :].copy())
    y = torch.from_numpy(y).long()
    net = StudyNet(x.shape[2], x.shape[3])
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    generator = np.random.default_rng(0)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        net.train()
        order = torch.from_numpy(generator.permutation(len(y)))
        for begin in range(0, len(y), 32):
            batch = order[begin:begin + 32]
            logits = net(x[batch])
            loss = torch.nn.functional.cross_entropy(logits, y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    print(json.dumps({"epoch_seconds": times, "rows": len(y), "threads": threads}))


if __name__ == "__main__":
    main()
