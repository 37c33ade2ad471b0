"""Topics in customer text: BERTopic on precomputed embeddings, made readable.

:class:`TopicModeler` fits BERTopic on document embeddings computed elsewhere
(:mod:`nlp.embed`), so no embedding model is ever loaded here, and turns its
output into :class:`Topic` values a person can read: a short label naming a
subject, 5-10 keywords without stop words, redaction placeholders, generic mood
words or near-duplicates, a size, a few diverse representative documents and,
where topics sit together, a coarser parent topic.

Topics are subjects, not moods. Survey prompts written into a text ("[What
could we do better?] …") are split off first (:mod:`nlp.prompts`), so only the
answer is modelled. Words that VADER's lexicon gives a valence are mood words
unless the corpus shows they name a subject (they gather in one topic: "gift",
"waste"); mood words are never keywords (:mod:`nlp.topics.lexicon`). Clusters
of texts that say only how a customer feels ("Really pleased", "Not bad") are
dissolved: those documents have no topic (:mod:`nlp.topics.clusters`).

``fit`` reads as its steps:

1. UMAP (5-d, cosine, seeded) and HDBSCAN with ``min_topic_size`` scaled to
   the corpus (``max(10, n / 200)``: BERTopic's default of 10 gave 1,017 topics
   on 50,000 documents, and ``n / 400`` still 82-117 on the demo data), clusters
   of mood alone dissolved;
2. merge topics that say the same subject (average linkage on the mean of
   centroid and c-TF-IDF similarity, almost the same centroid, or two of the
   same three leading keywords) and keep at most half the square root of the
   documents (at least 8, at most 50). BERTopic's own ``nr_topics="auto"`` is
   not used: on the demo data it put 57% of the documents into one topic;
3. reduce outliers: documents HDBSCAN left out join their most similar topic
   (cosine to the topic centroid) until at most ``max_outlier_share`` of the
   documents are left unassigned; documents without a subject stay out;
   keywords are then recomputed (c-TF-IDF);
4. nest topics that mean and say similar things under a coarse topic
   (average linkage over the topics; ``topic_groups_``);
5. describe every topic (:class:`Topic`): keywords without mood words, and a
   label of one to three keywords that are phrases written in the topic's
   documents with no stop, mood, time or manner word at their edges
   (:mod:`nlp.topics.keywords`).

Keywords come from c-TF-IDF over unigrams and bigrams of adjacent content words
(a bigram never spans a stop word or a sentence end), with words rarer than
about one document in a thousand dropped so typos never become keywords. When
the caller passes the embedding model it already holds, BERTopic's
``KeyBERTInspired`` re-ranks the candidates; nothing is ever loaded by name.

New documents are assigned by cosine similarity to the topic centroids, with
the threshold learned in ``fit`` (``-1`` below it), both before and after
``save``/``load``; sentences are assigned without embeddings, by c-TF-IDF.
"""

from nlp.topics.describe import Topic
from nlp.topics.keywords import readable_keywords
from nlp.topics.modeler import TopicModeler
from nlp.topics.words import STOP_WORDS, PhraseAnalyzer, answer_text, without_placeholders

__all__ = [
    "STOP_WORDS",
    "PhraseAnalyzer",
    "Topic",
    "TopicModeler",
    "answer_text",
    "readable_keywords",
    "without_placeholders",
]
