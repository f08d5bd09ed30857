/*
 * RabbitBench: the scenarios of `./quipu bench`, run against RabbitMQ with its own Java client, so
 * that both brokers stand side by side. Run it with `./quipu bench rabbitmq` (bench/rabbitmq starts
 * a RabbitMQ node of its own from Debian's package, fetches the client jars and runs this), or
 * directly against a running node:
 *
 *   java -cp amqp-client-5.x.jar:slf4j-api-1.7.x.jar bench/RabbitBench.java [--port 5673]
 *        [--seconds S] [--warmup W] [--producers P] [--consumers C] [--server-pid PID]
 *
 * Every scenario uses a fresh durable quorum queue (x-queue-type=quorum) on a node at 127.0.0.1
 * (no other host is accepted), persistent messages (delivery mode 2) with 1 KiB bodies, publisher
 * confirms, and runs W seconds of warm-up that are not measured, then S measured seconds:
 *   single sends   P producers, each with its own connection and channel in confirm mode, publish
 *                  one message and wait for its confirm (waitForConfirmsOrDie) before the next;
 *                  msgs/s and p50/p99 of one publish-and-confirm.
 *   batches of 100 each producer publishes 100 messages, then waits for their confirms (a window of
 *                  100); msgs/s and p50/p99 of one batch of 100 (publish to last confirm).
 *   produce-consume-ack  P producers as in single sends and C consumers (own connections, manual
 *                  ack, prefetch 100) on the same queue; msgs/s acknowledged by the consumers inside
 *                  the window, and p50/p99 from the start of a message's publish (a timestamp in its
 *                  body) to its delivery, for messages published and acked inside the window. The backlog left at the end shows whether the consumers kept up.
 * Operations are counted when they both began and ended inside the measured window. Errors (a nack,
 * a confirm timeout, a closed channel, an I/O error) are counted, and the channel is reopened.
 * Besides the table it prints the generator's own CPU share over each measured window (process CPU
 * time ÷ (wall time × cores)) and, given --server-pid, RabbitMQ's CPU time per message (from
 * /proc through ProcessHandle). The queues are deleted at the end. Exit status: 0, 1 when a
 * scenario had errors or measured nothing, 2 on bad usage or when the node cannot be reached.
 */

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class RabbitBench {
    static final String HOST = "127.0.0.1";
    static final int BODY_BYTES = 1024;
    static final int BATCH = 100;
    static final long CONFIRM_TIMEOUT_MS = 30_000;

    static int port = 5673, seconds = 15, warmup = 10, producers = 16, consumers = 4;
    static long serverPid = 0;
    static String version = "?";

    // The measured window, in System.nanoTime(); set before the workers start.
    static volatile long windowStart, windowEnd;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) { usage(0); }
            if (i + 1 >= args.length) { usage(2); }
            String v = args[++i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--producers" -> producers = Integer.parseInt(v);
                case "--consumers" -> consumers = Integer.parseInt(v);
                case "--server-pid" -> serverPid = Long.parseLong(v);
                case "--version" -> version = v;
                default -> usage(2);
            }
        }
        if (seconds < 1 || warmup < 0 || producers < 1 || consumers < 1) { usage(2); }

        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(HOST);
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        factory.setRequestedHeartbeat(30);

        List<String> queues = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        Connection admin;
        try {
            admin = factory.newConnection("quipu-bench-admin");
        } catch (Exception e) {
            System.err.println("rabbit-bench: cannot connect to " + HOST + ":" + port + ": " + e);
            System.exit(2);
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("RabbitMQ %s at %s:%d, quorum queues, persistent 1 KiB messages, publisher confirms;%n"
                + "%d producers, %d consumers (prefetch 100), %d s warm-up then %d s measured per scenario, %d cores%n%n",
                version, HOST, port, producers, consumers, warmup, seconds, cores);
        try {
            String stamp = Long.toString(System.currentTimeMillis());
            rows.add(runScenario(factory, admin, "single sends", "quipu-bench-single-" + stamp, queues, false, false));
            rows.add(runScenario(factory, admin, "batches of 100 (latency a batch)", "quipu-bench-batch-" + stamp, queues, true, false));
            rows.add(runScenario(factory, admin, "produce-consume-ack (acked msgs/s; latency publish to delivery)", "quipu-bench-e2e-" + stamp, queues, false, true));
        } finally {
            for (String q : queues) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                } catch (Exception e) {
                    System.err.println("rabbit-bench: could not delete queue " + q + ": " + e);
                }
            }
            try { admin.close(5_000); } catch (Exception ignored) { }
        }

        System.out.println();
        System.out.println("| scenario | msgs/s | p50 ms | p99 ms | errors | generator CPU | RabbitMQ CPU/msg |");
        System.out.println("|---|---|---|---|---|---|---|");
        boolean bad = false;
        for (Row r : rows) {
            System.out.println(r.line());
            bad |= r.errors > 0 || r.count == 0;
        }
        System.out.println();
        for (Row r : rows) {
            if (!r.note.isEmpty()) System.out.println(r.scenario + ": " + r.note + ".");
        }
        System.out.println("generator CPU: this JVM's CPU time over the measured window ÷ (window × " + cores
                + " cores); RabbitMQ CPU/msg: the server process's CPU time over the window ÷ messages counted"
                + (serverPid > 0 ? "" : " (no --server-pid: not measured)") + ".");
        System.exit(bad ? 1 : 0);
    }

    static void usage(int status) {
        System.err.println("usage: java -cp amqp-client.jar:slf4j-api.jar bench/RabbitBench.java [--port 5673]"
                + " [--seconds S] [--warmup W] [--producers P] [--consumers C] [--server-pid PID] [--version V]");
        System.exit(status);
    }

    record Row(String scenario, long count, double seconds, long[] latencies, long errors,
               double generatorCpuShare, double serverCpuMsPerMsg, String note) {
        String line() {
            Arrays.sort(latencies);
            return String.format("| %s | %,.0f | %s | %s | %d | %.0f %% | %s |",
                    scenario, count / seconds, ms(pct(latencies, 50)), ms(pct(latencies, 99)), errors,
                    generatorCpuShare * 100, serverCpuMsPerMsg < 0 ? "-" : String.format("%.3f ms", serverCpuMsPerMsg));
        }
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return -1;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static String ms(long nanos) { return nanos < 0 ? "-" : String.format("%.2f", nanos / 1e6); }

    /** A growable list of longs, one per worker thread (no sharing, no boxing). */
    static final class Samples {
        long[] a = new long[4096];
        int n;
        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }
    }

    static boolean inWindow(long start, long end) { return start >= windowStart && end <= windowEnd; }

    static byte[] body(long sentNanos) {
        byte[] b = new byte[BODY_BYTES];
        ThreadLocalRandom.current().nextBytes(b);
        ByteBuffer.wrap(b).putLong(0, sentNanos);
        return b;
    }

    static double processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return Double.NaN;
    }

    static long serverCpuNanos() {
        if (serverPid <= 0) return -1;
        Optional<Duration> d = ProcessHandle.of(serverPid).flatMap(h -> h.info().totalCpuDuration());
        return d.map(Duration::toNanos).orElse(-1L);
    }

    static Row runScenario(ConnectionFactory factory, Connection admin, String name, String queue, List<String> queues,
                           boolean batches, boolean consume) throws Exception {
        try (Channel ch = admin.createChannel()) {
            ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
        }
        queues.add(queue);
        System.out.printf("%s: queue %s, %d s warm-up, %d s measured ...%n", name, queue, warmup, seconds);

        long now = System.nanoTime();
        windowStart = now + TimeUnit.SECONDS.toNanos(warmup);
        windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong errors = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        List<Samples> deliveryLatencies = new ArrayList<>();

        // Consumers first, so the queue never builds a backlog before they attach.
        List<Connection> consumerConnections = new ArrayList<>();
        if (consume) {
            for (int i = 0; i < consumers; i++) {
                Connection c = factory.newConnection("quipu-bench-consumer-" + i);
                consumerConnections.add(c);
                Channel ch = c.createChannel();
                ch.basicQos(100);
                Samples s = new Samples();
                deliveryLatencies.add(s);
                ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] b) {
                        long received = System.nanoTime();
                        try {
                            getChannel().basicAck(env.getDeliveryTag(), false);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            return;
                        }
                        long sent = b.length >= 8 ? ByteBuffer.wrap(b).getLong(0) : 0;
                        long acks = System.nanoTime();
                        if (acks >= windowStart && acks <= windowEnd) acked.incrementAndGet();
                        if (sent != 0 && inWindow(sent, acks)) {
                            synchronized (s) { s.add(received - sent); }
                        }
                    }
                });
            }
        }

        List<Samples> latencies = new ArrayList<>();
        long[] published = new long[producers];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            Samples s = new Samples();
            latencies.add(s);
            int id = i;
            Thread t = new Thread(() -> produce(factory, queue, id, batches, s, published, errors), "producer-" + i);
            threads.add(t);
        }
        // CPU is read when the window opens and closes, by this thread.
        for (Thread t : threads) t.start();
        sleepUntil(windowStart);
        double cpu0 = processCpuNanos();
        long server0 = serverCpuNanos();
        long wall0 = System.nanoTime();
        sleepUntil(windowEnd);
        double cpu1 = processCpuNanos();
        long server1 = serverCpuNanos();
        long wall1 = System.nanoTime();
        for (Thread t : threads) t.join(CONFIRM_TIMEOUT_MS + 15_000);
        String note = "";
        if (consume) {
            Thread.sleep(200);
            long backlog = -1;
            try (Channel ch = admin.createChannel()) {
                backlog = ch.queueDeclarePassive(queue).getMessageCount();
            } catch (Exception e) {
                errors.incrementAndGet();
            }
            for (Connection c : consumerConnections) {
                try { c.close(5_000); } catch (Exception ignored) { }
            }
            long sent = Arrays.stream(published).sum();
            note = String.format("published %,.0f msgs/s in the window; backlog left at the end %,d", sent / ((wall1 - wall0) / 1e9), backlog);
        }
        try (Channel ch = admin.createChannel()) {
            ch.queueDelete(queue);
            queues.remove(queue);
        } catch (Exception e) {
            System.err.println("rabbit-bench: could not delete queue " + queue + " now (will retry at the end): " + e);
        }

        double window = (wall1 - wall0) / 1e9;
        long count;
        List<Samples> lat;
        if (consume) {
            count = acked.get();
            lat = deliveryLatencies;
        } else {
            count = Arrays.stream(published).sum();
            lat = latencies;
        }
        int total = 0;
        for (Samples s : lat) { synchronized (s) { total += s.n; } }
        long[] all = new long[total];
        int k = 0;
        for (Samples s : lat) {
            synchronized (s) {
                int n = Math.min(s.n, total - k);
                System.arraycopy(s.a, 0, all, k, n);
                k += n;
            }
        }
        all = Arrays.copyOf(all, k);
        int cores = Runtime.getRuntime().availableProcessors();
        double share = (cpu1 - cpu0) / ((wall1 - wall0) * (double) cores);
        double serverPerMsg = server0 < 0 || server1 < 0 || count == 0 ? -1 : (server1 - server0) / 1e6 / count;
        Row r = new Row(name, count, window, all, errors.get(), share, serverPerMsg, note);
        System.out.println("  " + r.line() + (note.isEmpty() ? "" : " " + note));
        return r;
    }

    static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 500)));
        }
    }

    /** One producer: its own connection and channel in confirm mode, a closed loop until the window ends. */
    static void produce(ConnectionFactory factory, String queue, int id, boolean batches, Samples lat,
                        long[] published, AtomicLong errors) {
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC; // delivery mode 2
        Connection conn = null;
        Channel ch = null;
        long count = 0;
        try {
            while (System.nanoTime() < windowEnd) {
                try {
                    if (conn == null || !conn.isOpen()) {
                        conn = factory.newConnection("quipu-bench-producer-" + id);
                        ch = null;
                    }
                    if (ch == null || !ch.isOpen()) {
                        ch = conn.createChannel();
                        ch.confirmSelect();
                    }
                    long start = System.nanoTime();
                    int n = batches ? BATCH : 1;
                    for (int j = 0; j < n; j++) {
                        ch.basicPublish("", queue, props, body(System.nanoTime()));
                    }
                    ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
                    long end = System.nanoTime();
                    if (inWindow(start, end)) {
                        count += n;
                        lat.add(end - start);
                    }
                } catch (Exception e) {
                    if (System.nanoTime() < windowEnd) {
                        errors.incrementAndGet();
                        System.err.println("rabbit-bench: producer " + id + ": " + e);
                    }
                    ch = null;
                    try { Thread.sleep(100); } catch (InterruptedException ie) { return; }
                }
            }
        } finally {
            published[id] = count;
            if (conn != null) {
                try { conn.close(5_000); } catch (Exception ignored) { }
            }
        }
    }
}
