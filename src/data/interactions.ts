/**
 * The in-memory form of data as read from source files, before filtering
 * and re-indexing.
 */

/** One user-item event as read. Ids are kept as the file writes them. */
export interface RawInteraction {
  user: string;
  item: string;
  /**
   * Time of the event in the file's unit (Unix seconds for MovieLens). For
   * sources without timestamps, the 0-based position in the file.
   */
  timestamp: number;
  /** Explicit rating, when the source has one. */
  rating?: number;
  /** 0-based position in the source, the tie-break for equal timestamps. */
  order: number;
}

/** Side information of one item, keyed elsewhere by its original id. */
export interface RawItemInfo {
  title: string;
  genres: string[];
  year?: number;
}

/** Everything one reader returns. */
export interface RawData {
  interactions: RawInteraction[];
  /** Side information by original item id; empty when the source has none. */
  items: Map<string, RawItemInfo>;
  /** Whether every interaction carries a rating. */
  hasRatings: boolean;
  /** Files the reader read, for cache keys and messages. */
  files: string[];
}
