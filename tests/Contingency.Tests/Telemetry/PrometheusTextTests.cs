namespace Contingency.Tests.Telemetry;

using Contingency.Tests.Support;

/// <summary>The reader the /metrics tests rely on: it must refuse what a scraper refuses, or those tests could not fail.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid = """
        # TYPE requests_total counter
        # HELP requests_total Requests, by "code".
        requests_total{code="200",path="/a\\b \"q\"\n"} 3
        requests_total{code="500"} 1.5e+00 1700000000000
        # HELP took_seconds How long.
        # TYPE took_seconds histogram
        took_seconds_bucket{le="0.5"} 1
        took_seconds_bucket{le="1"} 2
        took_seconds_bucket{le="+Inf"} 3
        took_seconds_sum 4.25
        took_seconds_count 3
        # TYPE up gauge
        up NaN

        """;

    [Fact]
    public void A_well_formed_scrape_is_read_with_its_families_labels_and_values()
    {
        var families = PrometheusText.Parse(Valid.ReplaceLineEndings("\n"));

        Assert.Equal(["requests_total", "took_seconds", "up"], families.Keys.Order());
        var requests = families["requests_total"];
        Assert.Equal(("counter", "Requests, by \"code\"."), (requests.Type, requests.Help));
        Assert.Equal("/a\\b \"q\"\n", requests.Samples[0].Labels["path"]);
        Assert.Equal(1.5, requests.Samples[1].Value);
        Assert.Equal(("histogram", "How long.", 5), (families["took_seconds"].Type, families["took_seconds"].Help, families["took_seconds"].Samples.Count));
        Assert.True(double.IsNaN(families["up"].Samples.Single().Value));
    }

    [Theory]
    [InlineData("orphan 1", "no TYPE")]
    [InlineData("# TYPE a counter\na{x=\"1} 1", "not closed")]
    [InlineData("# TYPE a counter\na{x=\"\\t\"} 1", "unknown escape")]
    [InlineData("# TYPE a counter\na{x=1} 1", "no quoted value")]
    [InlineData("# TYPE a counter\na one", "not a value")]
    [InlineData("# TYPE a counter\na 1\na 2", "twice")]
    [InlineData("# TYPE a counter\n# TYPE a gauge", "a second TYPE")]
    [InlineData("# TYPE a chart", "unknown type")]
    [InlineData("# TYPE a counter\n# TYPE b gauge\nb 1\na 1", "apart from the rest")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1", "not cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1", "no +Inf")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1", "is not _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1", "no _sum")]
    [InlineData("# TYPE g gauge\ng_bucket{le=\"1\"} 1", "no TYPE")]
    public void What_a_scraper_refuses_is_refused(string text, string why)
    {
        var refused = Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
        Assert.Contains(why, refused.Message);
    }
}
