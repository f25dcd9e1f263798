package org.arabicsearch.cluster;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;
import org.opensearch.transport.TransportService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One OpenSearch node in this JVM, until SIGTERM (or, with --watch-stdin, until standard input closes).
 *
 * <pre>
 * java -Xms512m -Xmx512m -cp 'target/classes:target/dependency/*' org.arabicsearch.cluster.NodeMain \
 *     -E cluster.name=local -E node.name=node-0 -E path.home=HOME -E path.data=DATA \
 *     -E http.port=9200 -E transport.port=9300 \
 *     -E discovery.seed_hosts=127.0.0.1:9300,127.0.0.1:9301,127.0.0.1:9302 \
 *     -E cluster.initial_cluster_manager_nodes=node-0,node-1,node-2 \
 *     [--log-level info] [--watch-stdin]
 * </pre>
 *
 * The node is the test framework's {@link MockNode}, the public face of {@link Node}'s protected constructor
 * that takes plugin classes from the classpath (Node's public one loads plugins only from the modules and
 * plugins directories of an installed distribution). None of MockNode's mocks is switched on (each comes
 * only with its marker plugin, and none is passed), so transport and HTTP are real Netty4
 * ({@link Netty4Plugin}), and the analyzers of {@link CommonAnalysisPlugin} ({@code arabic} among them)
 * are loaded. No bootstrap checks, no security manager and no jar-hell check run: those belong to
 * OpenSearch's Bootstrap, which is not used here. The classpath must not hold randomizedtesting (see
 * pom.xml): with it, the node asks for a RandomizedContext that exists only inside a test runner.
 *
 * Logging goes to PATH_LOGS/NODE_NAME.log (path.logs defaults to PATH_HOME/logs); standard output gets one
 * line once the node serves HTTP: {@code node NAME started http=PORT transport=PORT}.
 */
public final class NodeMain {

    /** Settings that take a list; given on the command line as comma-separated values. */
    private static final Set<String> LIST_SETTINGS = Set.of(
        "discovery.seed_hosts",
        "cluster.initial_cluster_manager_nodes",
        "cluster.initial_master_nodes",
        "path.data"
    );

    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new LinkedHashMap<>();
        String logLevel = "info";
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-E":
                    if (i + 1 >= args.length) {
                        usage("-E needs key=value");
                    }
                    String pair = args[++i];
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        usage("-E needs key=value, got " + pair);
                    }
                    given.put(pair.substring(0, eq), pair.substring(eq + 1));
                    break;
                case "--log-level":
                    if (i + 1 >= args.length) {
                        usage("--log-level needs a level");
                    }
                    logLevel = args[++i];
                    break;
                case "--watch-stdin":
                    watchStdin = true;
                    break;
                default:
                    usage("unknown argument " + args[i]);
            }
        }
        String nodeName = given.get("node.name");
        String home = given.get("path.home");
        if (nodeName == null || home == null) {
            usage("node.name and path.home are required");
        }
        Path logs = Paths.get(given.getOrDefault("path.logs", Paths.get(home, "logs").toString()));
        Files.createDirectories(logs);
        configureLogging(logs.resolve(nodeName + ".log"), Level.toLevel(logLevel, Level.INFO));

        Settings.Builder builder = Settings.builder()
            .put("network.host", "127.0.0.1")
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            // the disks here can be nearly full: never refuse shards for lack of space
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("path.logs", logs.toString());
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (LIST_SETTINGS.contains(e.getKey())) {
                builder.putList(e.getKey(), Arrays.asList(e.getValue().split(",")));
            } else {
                builder.put(e.getKey(), e.getValue());
            }
        }
        Settings settings = builder.build();

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class,
            PainlessPlugin.class);
        Object lock = new Object();
        Node[] holder = new Node[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (lock) {
                Node node = holder[0];
                if (node != null) {
                    try {
                        node.close();
                        if (node.awaitClose(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS) == false) {
                            System.err.println("node " + nodeName + " did not close within " + CLOSE_TIMEOUT_SECONDS + "s");
                        }
                    } catch (Exception e) {
                        System.err.println("node " + nodeName + " failed to close: " + e);
                        e.printStackTrace();
                    }
                }
            }
            LogManager.shutdown();
        }, "node-shutdown"));

        int httpPort;
        int transportPort;
        try {
            synchronized (lock) {
                Node node = new MockNode(settings, plugins);
                holder[0] = node;
                node.start();
                httpPort = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
                transportPort = node.injector().getInstance(TransportService.class).boundAddress().publishAddress().getPort();
            }
        } catch (Throwable t) {
            System.err.println("node " + nodeName + " failed to start: " + t);
            t.printStackTrace();
            LogManager.getLogger(NodeMain.class).error("failed to start", t);
            System.exit(1);
            return;
        }
        System.out.println("node " + nodeName + " started http=" + httpPort + " transport=" + transportPort);
        System.out.flush();

        if (watchStdin) {
            // The parent holds our stdin open; when it dies, the pipe closes and this node goes too.
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() != -1) {
                        // discard
                    }
                } catch (Exception e) {
                    // treat a broken stdin as closed
                }
                System.exit(0);
            }, "stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        // The node's threads are daemons: keep the JVM alive until a signal runs the shutdown hook.
        new CountDownLatch(1).await();
    }

    private static void configureLogging(Path file, Level level) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("node");
        b.setStatusLevel(Level.ERROR);
        b.setShutdownHook("disable"); // the node logs while it closes, in our own shutdown hook
        b.add(
            b.newAppender("file", "File")
                .addAttribute("fileName", file.toString())
                .addAttribute("append", true)
                .add(b.newLayout("PatternLayout").addAttribute("pattern", "[%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n"))
        );
        b.add(b.newRootLogger(level).add(b.newAppenderRef("file")));
        // deprecation warnings of the defaults used here are noise in a local cluster
        b.add(b.newLogger("org.opensearch.deprecation", Level.ERROR).add(b.newAppenderRef("file")).addAttribute("additivity", false));
        Configurator.initialize(b.build());
    }

    private static void usage(String problem) {
        System.err.println("NodeMain: " + problem);
        System.err.println("usage: NodeMain -E node.name=NAME -E path.home=DIR [-E key=value ...] [--log-level LEVEL] [--watch-stdin]");
        System.exit(2);
    }
}
