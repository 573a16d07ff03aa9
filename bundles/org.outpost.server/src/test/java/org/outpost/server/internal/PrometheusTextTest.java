package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.outpost.server.internal.PrometheusText.Type.COUNTER;
import static org.outpost.server.internal.PrometheusText.Type.GAUGE;
import static org.outpost.server.internal.PrometheusText.Type.HISTOGRAM;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void labelValuesEscapeBackslashQuoteAndNewline() {
        String page = PrometheusText.page(out -> out.family("outpost_x_total", COUNTER, "X.")
                .sample("node", "gw\"1\\a\nb", 3)
                .sample("node", "gw-2", 0));

        assertEquals("""
                # HELP outpost_x_total X.
                # TYPE outpost_x_total counter
                outpost_x_total{node="gw\\"1\\\\a\\nb"} 3
                outpost_x_total{node="gw-2"} 0
                """, page);
        assertEquals(4, page.split("\n").length, "a newline in a label value does not start a line");
    }

    @Test
    void ordinaryValuesAreWrittenAsTheyAre() {
        String page = PrometheusText.page(out -> out.family("outpost_y", GAUGE, "Y, with 'quotes' and \"double\" ones.")
                .sample("route", "GET /v1/nodes/{name}", 2.25)
                .sample("route", "POST /v1/join", 1e-4)
                .sample("route", "up", Double.POSITIVE_INFINITY)
                .sample("route", "down", Double.NEGATIVE_INFINITY)
                .sample("route", "none", Double.NaN));

        assertEquals("""
                # HELP outpost_y Y, with 'quotes' and "double" ones.
                # TYPE outpost_y gauge
                outpost_y{route="GET /v1/nodes/{name}"} 2.25
                outpost_y{route="POST /v1/join"} 1.0E-4
                outpost_y{route="up"} +Inf
                outpost_y{route="down"} -Inf
                outpost_y{route="none"} NaN
                """, page);
    }

    @Test
    void helpEscapesBackslashAndNewline() {
        String page = PrometheusText.page(out -> out.family("outpost_z", GAUGE, "a\\b\nc").sample(1));

        assertEquals("# HELP outpost_z a\\\\b\\nc\n# TYPE outpost_z gauge\noutpost_z 1\n", page);
    }

    @Test
    void aFamilyIsDeclaredOncePerPage() {
        PrometheusText out = new PrometheusText();
        out.family("outpost_a_total", COUNTER, "A.").sample(1);
        out.family("outpost_b", GAUGE, "B.").sample(2);

        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> out.family("outpost_a_total", COUNTER, "A again."));
        assertEquals("metric family declared twice on one page: outpost_a_total", twice.getMessage());
        assertEquals("# HELP outpost_a_total A.\n# TYPE outpost_a_total counter\noutpost_a_total 1\n"
                + "# HELP outpost_b B.\n# TYPE outpost_b gauge\noutpost_b 2\n", out.toString(), "nothing of the refused family is written");
    }

    @Test
    void histogramBucketsAccumulateAndEndWithInfSumAndCount() {
        String page = PrometheusText.page(out -> out.family("outpost_d_seconds", HISTOGRAM, "D.")
                .histogram("route", "a\"b", new double[] {0.1, 1}, new long[] {2, 0, 3}, 4.5, 5));

        assertEquals("""
                # HELP outpost_d_seconds D.
                # TYPE outpost_d_seconds histogram
                outpost_d_seconds_bucket{route="a\\"b",le="0.1"} 2
                outpost_d_seconds_bucket{route="a\\"b",le="1.0"} 2
                outpost_d_seconds_bucket{route="a\\"b",le="+Inf"} 5
                outpost_d_seconds_sum{route="a\\"b"} 4.5
                outpost_d_seconds_count{route="a\\"b"} 5
                """, page);
    }

    @Test
    void samplesMustFitTheirFamily() {
        PrometheusText out = new PrometheusText();
        assertThrows(IllegalStateException.class, () -> out.sample(1), "a sample before any family");
        out.family("outpost_h_seconds", HISTOGRAM, "H.");
        assertThrows(IllegalStateException.class, () -> out.sample("route", "r", 1), "a plain sample in a histogram");
        out.family("outpost_c_total", COUNTER, "C.");
        assertThrows(IllegalStateException.class,
                () -> out.histogram("route", "r", new double[] {1}, new long[] {0, 0}, 0, 0), "a histogram series in a counter");
        out.family("outpost_i_seconds", HISTOGRAM, "I.");
        assertThrows(IllegalArgumentException.class,
                () -> out.histogram("route", "r", new double[] {1}, new long[] {0}, 0, 0), "one count per bucket and +Inf");
    }

    @Test
    void namesAreChecked() {
        PrometheusText out = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> out.family("outpost-x", GAUGE, "X."));
        assertThrows(IllegalArgumentException.class, () -> out.family("9x", GAUGE, "X."));
        out.family("outpost_x", GAUGE, "X.");
        assertThrows(IllegalArgumentException.class, () -> out.sample("node name", "gw-1", 1));
        assertThrows(IllegalArgumentException.class, () -> out.sample("__name__", "gw-1", 1));
        assertThrows(IllegalArgumentException.class, () -> out.sample("le", "gw-1", 1));
    }
}
