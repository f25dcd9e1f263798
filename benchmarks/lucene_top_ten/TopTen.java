/*
 * The search peer that does the work our search() does: Lucene's ArabicAnalyzer and BM25, the top 10 hits
 * with their stored summary fields, and, in a second figure, highlighted title and body passages.
 *
 * The shared anchor (../shared/tools/lucene_anchor) times top-100 searches with no stored fields and no
 * highlighting, which flatters Lucene against a search that returns a page of highlighted hits. This
 * program is run by benchmarks/lucene_top_ten.py beside it, on the same corpus file and queries.
 *
 *   TopTen DOCS.tsv QUERIES.txt PASSES
 *
 * DOCS.tsv: id, title, body, url, source per line (\t, \n, \\ escaped); QUERIES.txt: one query per line.
 * Prints one JSON object: p50/p95 of the last (warm) pass for top 10, and for top 10 with highlights.
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

public final class TopTen {

    private static final int PAGE = 10;
    private static final String TEXT = "text";      // title + body, the scored field (as the anchor)
    private static final String[] SHOWN = {"title", "body"};
    private static final int[] PASSAGES = {1, 3};    // whole-title highlight, up to three body passages
    private static final String[] SUMMARY = {"id", "title", "url", "source"};

    private TopTen() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TopTen DOCS.tsv QUERIES.txt PASSES");
            System.exit(2);
        }
        List<String[]> docs = readTsv(Paths.get(args[0]));
        List<String> queries = Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8);
        int passes = Math.max(1, Integer.parseInt(args[2]));
        BooleanQuery.setMaxClauseCount(1 << 16);
        Path dir = Files.createTempDirectory("lucene-top-ten-");
        try (Analyzer analyzer = new ArabicAnalyzer()) {
            BM25Similarity similarity = new BM25Similarity();
            build(dir, docs, analyzer, similarity);
            try (FSDirectory store = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(store)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(similarity);
                UnifiedHighlighter highlighter = new UnifiedHighlighter(searcher, analyzer);
                highlighter.setFieldMatcher(field -> true); // the query's terms are on TEXT; mark them on SHOWN
                QueryBuilder builder = new QueryBuilder(analyzer);
                double[] page = new double[queries.size()];
                double[] highlighted = new double[queries.size()];
                for (int pass = 0; pass < passes; pass++) {
                    for (int i = 0; i < queries.size(); i++) {
                        Query query = builder.createBooleanQuery(TEXT, queries.get(i), BooleanClause.Occur.SHOULD);
                        page[i] = timePage(searcher, query, null, null);
                        highlighted[i] = timePage(searcher, query, highlighter, query);
                    }
                }
                Arrays.sort(page);
                Arrays.sort(highlighted);
                System.out.printf(Locale.ROOT,
                    "{\"docs\": %d, \"queries\": %d, \"top10_p50_ms\": %.3f, \"top10_p95_ms\": %.3f, "
                    + "\"top10_highlight_p50_ms\": %.3f, \"top10_highlight_p95_ms\": %.3f}%n",
                    docs.size(), queries.size(), percentile(page, 50), percentile(page, 95),
                    percentile(highlighted, 50), percentile(highlighted, 95));
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Milliseconds for one page: the search, the stored summary of each hit and, given a highlighter, passages. */
    private static double timePage(IndexSearcher searcher, Query query, UnifiedHighlighter highlighter,
                                   Query highlightQuery) throws IOException {
        long started = System.nanoTime();
        if (query != null) {
            TopDocs top = searcher.search(query, PAGE);
            int length = 0;
            for (ScoreDoc hit : top.scoreDocs) {
                Document doc = searcher.doc(hit.doc);
                for (String name : SUMMARY) {
                    String value = doc.get(name);
                    length += value == null ? 0 : value.length();
                }
            }
            if (highlighter != null && top.scoreDocs.length > 0) {
                length += highlighter.highlightFields(SHOWN, highlightQuery, top, PASSAGES).size();
            }
            if (length < 0) {
                throw new IllegalStateException("unreachable: keeps the work from being optimized away");
            }
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static void build(Path dir, List<String[]> docs, Analyzer analyzer, BM25Similarity similarity)
            throws IOException {
        FieldType shown = new FieldType(TextField.TYPE_STORED);
        shown.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS); // offsets for the highlighter
        shown.freeze();
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(256)
            .setMergeScheduler(new SerialMergeScheduler());
        try (FSDirectory store = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(store, config)) {
            for (String[] row : docs) {
                Document doc = new Document();
                doc.add(new StringField("id", row[0], Field.Store.YES));
                doc.add(new TextField(TEXT, row[1] + "\n" + row[2], Field.Store.NO));
                doc.add(new Field("title", row[1], shown));
                doc.add(new Field("body", row[2], shown));
                doc.add(new StoredField("url", row[3]));
                doc.add(new StoredField("source", row[4]));
                writer.addDocument(doc);
            }
            writer.forceMerge(1); // a finished index: one segment, as ours is after a rebuild
            writer.commit();
        }
    }

    private static List<String[]> readTsv(Path path) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] cells = line.split("\t", -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = unescape(cells[i]);
                }
                rows.add(Arrays.copyOf(cells, 5));
            }
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = row[i] == null ? "" : row[i];
            }
        }
        return rows;
    }

    private static String unescape(String cell) {
        if (cell.indexOf('\\') < 0) {
            return cell;
        }
        StringBuilder out = new StringBuilder(cell.length());
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == '\\' && i + 1 < cell.length()) {
                char next = cell.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
