#!/usr/bin/python3
"""The serving benchmark's peer: a minimal Flask service with scikit-learn's RandomForest, the
same model `hitscope train --model forest` fits (StandardScaler + RandomForestClassifier(
n_estimators=100, random_state=0) on the bundled data's 12 audio features, popularity classes
low <= 33 < medium <= 57 < high), answering the same JSON:
POST /models/popularity/predict {"track": {...}} or {"tracks": [...]} ->
{"prediction": {"class", "probabilities"}} / {"predictions": [...]}.

    flask_peer.py --data data/spotify_songs.csv --port 8081 [--edges 33,57]

Debian packages: python3-flask (2.2), python3-sklearn (1.2.1), python3-pandas. Served by Flask's
own threaded server (werkzeug), request logging off as on the hitscope side.
"""
import argparse
import logging

import numpy as np
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]
CLASSES = ["low", "medium", "high"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--edges", default="33,57")
    args = parser.parse_args()
    low, high = (float(e) for e in args.edges.split(","))
    table = pd.read_csv(args.data).dropna(subset=FEATURES + ["track_popularity"])
    y = np.where(table["track_popularity"] <= low, 0,
                 np.where(table["track_popularity"] <= high, 1, 2))
    model = make_pipeline(StandardScaler(),
                          RandomForestClassifier(n_estimators=100, random_state=0))
    model.fit(table[FEATURES].to_numpy(dtype=float), y)

    app = Flask(__name__)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    def answer(proba):
        k = int(np.argmax(proba))
        return {"class": CLASSES[k], "probabilities": dict(zip(CLASSES, map(float, proba)))}

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/models/popularity/predict")
    def predict():
        body = request.get_json()
        try:
            tracks = [body["track"]] if "track" in body else body["tracks"]
            x = np.array([[float(t[f]) for f in FEATURES] for t in tracks])
        except (KeyError, TypeError, ValueError) as error:
            return jsonify({"error": {"message": f"bad request: {error}"}}), 400
        proba = model.predict_proba(x)
        if "track" in body:
            return jsonify({"model": "popularity", "prediction": answer(proba[0])})
        return jsonify({"model": "popularity", "predictions": [answer(p) for p in proba]})

    app.run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
