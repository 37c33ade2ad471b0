"""The plain script a data scientist would write (the baseline of bench_pipeline.py).

Usage: plain_script.py customers.csv documents.csv truth.csv; prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
from bertopic import BERTopic
from hdbscan import HDBSCAN
from sentence_transformers import SentenceTransformer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from umap import UMAP

from nlp.embed import default_model_path


def main() -> None:
    customers_csv, documents_csv, truth_csv = sys.argv[1:4]
    customers = pd.read_csv(customers_csv).set_index("customer_id")
    documents = pd.read_csv(documents_csv)
    truth = pd.read_csv(truth_csv).set_index("customer_id")["persona"]
    model = SentenceTransformer(str(default_model_path()))
    texts = documents["text"].astype(str).tolist()
    started = time.perf_counter()
    embeddings = model.encode(texts, batch_size=64)
    embed_seconds = time.perf_counter() - started
    BERTopic(embedding_model=model).fit_transform(texts, embeddings)
    frame = pd.DataFrame(embeddings, index=documents["customer_id"])
    text = frame.groupby(level=0).mean().reindex(customers.index).fillna(0.0)
    behaviour = customers.drop(columns=["age", "gender", "region"]).select_dtypes("number")
    features = np.hstack([text.to_numpy(), StandardScaler().fit_transform(behaviour.fillna(0))])
    reduced = UMAP(n_components=10, random_state=42).fit_transform(features)
    labels = HDBSCAN(min_cluster_size=max(10, len(customers) // 50)).fit_predict(reduced)
    print(
        json.dumps(
            {
                "documents": len(texts),
                "embed_rate": len(texts) / embed_seconds,
                "segments": int(labels.max() + 1),
                "outliers": float((labels == -1).mean()),
                "ari": adjusted_rand_score(truth.reindex(customers.index), labels),
            }
        )
    )


if __name__ == "__main__":
    main()
