// ---- trec_eval files and run comparison (npm/src/trec.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** Thrown by readQrels / readRun for a malformed line; the message names the line. */
export declare class TrecFormatError extends Error {}

/** qrels: `query iteration document relevance` per line -> Map<query, Map<document, relevance>>. */
export declare function readQrels(text: string): Map<string, Map<string, number>>;

/** A run: `query Q0 document rank score tag` per line -> Map<query, [{doc, rank, score}]> in file order. */
export declare function readRun(text: string): Map<string, { doc: string; rank: number; score: number }[]>;

/**
 * A ranking as one CSV/TSV table with a header naming query (query/qid), document
 * (document/doc/docid/docno), score and relevance (relevance/rel/label) columns; an empty
 * relevance is an unjudged document. Returns the qrels and the run as readQrels/readRun do.
 */
export declare function readTrecCsv(text: string): {
  qrels: Map<string, Map<string, number>>;
  run: Map<string, { doc: string; rank: number; score: number }[]>;
};

/** Whether `text` is a ranking table for readTrecCsv (a header naming a query and a score column), not a run file. */
export declare function isTrecCsv(text: string): boolean;

/** A query's retrieved documents in trec_eval's order (score descending, ties by document id descending), rank from 1. */
export declare function trecRanking(
  run: Map<string, { doc: string; score: number }[]>,
  query: string,
): { doc: string; score: number; rank: number }[];

/**
 * The (preds, target, indexes) rows of a run against its qrels for the Retrieval* metrics; judged
 * queries only, sorted by id (`queries[indexes[i]]` is row i's query). Relevant documents missing
 * from the run are not retrieved: the query is padded to `depth` rows with non-relevant fillers,
 * then they follow with score -Infinity, so no cut topK <= depth reaches them. Without a cut, pass
 * `negInfNotRetrieved: true` to the metric for trec_eval's numbers (map, recip_rank, Rprec, ndcg).
 * `ties: 'docno'` (default): trec_eval's order (score descending, then document id descending)
 * with the rank as the score in `preds`; `'keep'`: the run's scores in file order (the metrics'
 * own tie rule: NDCG averages ties).
 */
export declare function trecInputs(
  qrels: Map<string, Map<string, number>>,
  run: Map<string, { doc: string; score: number }[]>,
  options?: { binary?: boolean; minRelevance?: number; depth?: number; ties?: 'docno' | 'keep' },
): { preds: Float32Array; target: Int32Array; indexes: BigInt64Array; queries: string[] };

/** Paired two-sided t-test over per-query values of two runs (same queries, same order). */
export declare function pairedTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { meanDifference: number; t: number; df: number; pValue: number };

/** Paired two-sided randomisation test (random sign flips; seeded, so repeatable). */
export declare function pairedRandomizationTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: { trials?: number; seed?: number },
): { meanDifference: number; pValue: number; trials: number };
