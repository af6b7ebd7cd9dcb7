using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Micrograd.Expressions.Playground.Tests;

/// <summary>
/// The playground as a visitor uses it, in Chromium, against the published site: the seed's formula and slope,
/// the finite-difference table's precision rows, the syntax error's caret, links that reproduce a view, the
/// two-moons demo, and every tab without a console error (with a screenshot of each in the test output).
/// </summary>
[TestFixture]
[Category("browser")]
[NonParallelizable]
public class PlaygroundTests
{
    private readonly List<string> errors = [];
    private IPage page = null!;

    [SetUp]
    public async Task Open()
    {
        Browser.RequireChromium();
        errors.Clear();
        page = await Browser.NewPage(errors);
    }

    [TearDown]
    public async Task Close()
    {
        if (page is not null)
        {
            await page.Context.CloseAsync();
        }
    }

    // the app has rendered once the formula's input is there
    private async Task Go(string query = "")
    {
        await page.GotoAsync(Browser.Site.Address + query);
        await page.GetByTestId("formula").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
    }

    private static double Read(string? text) => double.Parse(text!, CultureInfo.InvariantCulture);

    [Test]
    public async Task Seed_FirstVisit_ShowsDerivativeAndTangentSlopeAtThree()
    {
        // Chromium's own account of the renderer's main thread: its time in tasks, and in script of that
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        var clock = Stopwatch.StartNew();
        await Go();
        var input = clock.ElapsedMilliseconds;
        var metrics = (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        await page.GetByTestId("derivative-text-x").WaitForAsync();
        var shown = clock.ElapsedMilliseconds;
        await page.GetByTestId("plot").WaitForAsync();
        var plotted = clock.ElapsedMilliseconds;
        TestContext.Out.WriteLine($"first render: {input} ms from navigation to the formula's input, {shown} ms to its derivative, {plotted} ms to the plot (a fresh browser context, nothing cached)");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first render, the page's main thread busy: {metrics["TaskDuration"] * 1000:F0} ms of tasks, {metrics["ScriptDuration"] * 1000:F0} ms of them script (JavaScript and WebAssembly)"));

        // where the time went, from the page's own clock (ms since navigation): the resources' arrival, the app's marks
        var account = await page.EvaluateAsync<double[]>(
            """
            () => {
                const nav = performance.getEntriesByType('navigation')[0];
                const files = performance.getEntriesByType('resource').filter(r => r.name.includes('/_framework/'));
                const last = test => Math.max(0, ...files.filter(test).map(r => r.responseEnd));
                const mark = name => performance.getEntriesByName(name)[0]?.startTime ?? -1;
                const native = r => /dotnet\.native\.[^/]*wasm$/.test(r.name);
                return [nav.responseEnd, last(r => r.name.endsWith('.js')), last(native),
                    last(r => r.name.endsWith('.wasm') && !native(r)), files.filter(r => r.name.endsWith('.wasm')).length,
                    mark('playground-main'), mark('playground-host'), mark('playground-first-render')];
            }
            """);
        var analysis = await page.GetByTestId("timing").GetAttributeAsync("data-analysis-ms");
        var plot = await page.GetByTestId("plot").GetAttributeAsync("data-ms");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first render, in the page: index.html {account[0]:F0} ms, scripts {account[1]:F0} ms, runtime (dotnet.native.wasm) {account[2]:F0} ms, {account[4] - 1} assemblies {account[3]:F0} ms, app's Main starts {account[5]:F0} ms, host built {account[6]:F0} ms, first render {account[7]:F0} ms (the seed read and differentiated in {analysis} ms of it), the plot then drawn in {plot} ms"));
        var formula = await page.GetByTestId("formula").InputValueAsync();
        var derivative = await page.GetByTestId("derivative-text-x").TextContentAsync();
        var slope = await page.GetByTestId("slope").GetAttributeAsync("data-value");
        var x0 = Read(await page.GetByTestId("x0").InputValueAsync());

        // the oracle: d/dx (3x² - 4x + 5) = 6x - 4, written by hand
        Assert.Multiple(async () =>
        {
            Assert.That(formula, Is.EqualTo("3*x**2 - 4*x + 5"), "the seed's formula");
            Assert.That(derivative, Is.EqualTo("6*x - 4"), $"the derivative of {formula}");
            Assert.That(Read(slope), Is.EqualTo((6 * x0) - 4), $"the slope at x0 = {x0}");
            Assert.That(await page.GetByTestId("derivative-x").Locator("math").CountAsync(), Is.EqualTo(1), "the derivative rendered as MathML");
            Assert.That(await page.GetByTestId("plot").Locator("path.tangent").GetAttributeAsync("d"), Is.Not.Empty, "the tangent is drawn");
            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    [Test]
    public async Task Typing_NewFormula_DerivativeFollows()
    {
        await Go();
        await page.GetByTestId("formula").FillAsync("x**3 + sin(x)");
        await Assertions.Expect(page.GetByTestId("derivative-text-x")).ToHaveTextAsync("3*x**2 + cos(x)");

        // measured in the page: from the input event to the frame that shows the new derivative (reported, not asserted),
        // and the app's marks between: its handler starts, its render is in the document
        var timings = new List<double[]>();
        foreach (var (text, derivative) in new[] { ("3*x**2 - 4*x + 5", "6*x - 4"), ("tanh(w*x + b)", "w*(1 - tanh(w*x + b)**2)"), ("x**3 + sin(x)", "3*x**2 + cos(x)") })
        {
            // a keystroke on a page at rest: the views of the previous formula are computed (they follow a pause)
            await Assertions.Expect(page.Locator("#panel")).ToHaveAttributeAsync("aria-busy", "false");
            timings.Add(await page.EvaluateAsync<double[]>(
                """
                ([text, expected]) => new Promise(resolve => {
                    const input = document.querySelector('[data-testid=formula]');
                    const start = performance.now();
                    const after = (name, t) => performance.getEntriesByName(name).map(m => m.startTime).find(m => m >= t) ?? NaN;
                    input.value = text;
                    input.dispatchEvent(new Event('input', { bubbles: true }));
                    const poll = () => {
                        const shown = document.querySelector('[data-testid=derivative-text-x]');
                        if (shown && shown.textContent === expected) {
                            const handler = after('playground-input', start);
                            resolve([performance.now() - start, handler - start, after('playground-render', handler) - start]);
                        } else { requestAnimationFrame(poll); }
                    };
                    poll();
                })
                """, new[] { text, derivative }));
        }

        var engine = await page.GetByTestId("timing").GetAttributeAsync("data-analysis-ms");
        await Assertions.Expect(page.Locator("#panel")).ToHaveAttributeAsync("aria-busy", "false");
        var plot = await page.GetByTestId("plot").GetAttributeAsync("data-ms");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"typing to derivative: {string.Join(", ", timings.Select(t => $"{t[0]:F1} ms (handler at {t[1]:F1}, rendered at {t[2]:F1})"))} in the page; the last read and differentiated in {engine} ms, its plot drawn {plot} ms after the pause"));
        Assert.That(errors, Is.Empty, "console errors");
    }

    // what a visitor downloads: the Brotli-compressed copies of the published files
    [Test]
    public void PublishedSite_BrotliFiles_FitTheBudget()
    {
        const long budget = 6_000_000;
        var compressed = Directory.EnumerateFiles(Browser.Site.Root, "*.br", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var plain = Directory.EnumerateFiles(Browser.Site.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".br", StringComparison.Ordinal) && !f.EndsWith(".gz", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        TestContext.Out.WriteLine($"published site: {compressed} bytes Brotli-compressed, {plain} bytes uncompressed");
        Assert.That(compressed, Is.LessThanOrEqualTo(budget), $"{compressed} bytes compressed ({plain} uncompressed)");
    }

    [Test]
    public async Task FdTable_AtTwoThirds_MarksTheRowsWherePrecisionEnds()
    {
        await Go("?f=3*x**2-4*x%2B5&x0=2/3&tab=fd");
        var rows = page.GetByTestId("fd-table").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(16);
        var marked = new List<bool>();
        for (var i = 0; i < 16; i++)
        {
            marked.Add(await rows.Nth(i).GetAttributeAsync("data-artifact") == "true");
        }

        // the oracle: the seed's own arithmetic in .NET; a row whose forward difference is exactly 0.0 (x + h == x, or
        // f(x + h) == f(x)) is no slope and must be marked; the first rows are slopes
        static double F(double x) => (3 * x * x) - (4 * x) + 5;
        var x = 2.0 / 3.0;
        Assert.Multiple(() =>
        {
            for (var k = 1; k <= 16; k++)
            {
                var h = double.Parse($"1e-{k}", CultureInfo.InvariantCulture);
                if (F(x + h) - F(x) == 0)
                {
                    Assert.That(marked[k - 1], Is.True, $"h = {h}: f(x + h) - f(x) is 0.0 at x = 2/3, the row is not marked");
                }
            }

            Assert.That(marked.Take(3), Has.All.False, $"h = 0.1 ... 0.001 are slopes; marked: {string.Join(", ", marked)}");
            Assert.That(marked.Count(m => m), Is.GreaterThan(0), "no row marked");
            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    [TestCase("3*x + )")]
    [TestCase("sin(x")]
    [TestCase("2*x ** * 3")]
    public async Task SyntaxError_AsTyped_CaretUnderTheEnginesColumn(string text)
    {
        await Go();
        await page.GetByTestId("formula").FillAsync(text);
        var error = page.GetByTestId("error");
        await error.WaitForAsync();
        var column = int.Parse((await error.GetAttributeAsync("data-column"))!, CultureInfo.InvariantCulture);
        var caret = (await error.Locator("pre.caret").TextContentAsync())!.Split('\n');

        // the oracle: the engine on .NET reads the same text and reports the same column
        var expected = Formula.TryParse(text, out _, out var parsed) ? 0 : parsed.Column;
        Assert.Multiple(() =>
        {
            Assert.That(column, Is.EqualTo(expected), $"{text}: the column shown");
            Assert.That(caret[0], Is.EqualTo(text), $"{text}: the line above the caret");
            Assert.That(caret[1].IndexOf('^', StringComparison.Ordinal), Is.EqualTo(expected - 1), $"{text}: the caret line is `{caret[1]}`");
            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    [Test]
    public async Task Link_OfAView_ReproducesIt()
    {
        await Go("?f=sin(x)*y&x0=pi/4&range=-2,2&tab=check");
        await page.GetByTestId("formula").FillAsync("cos(x)*y");
        await Assertions.Expect(page.GetByTestId("derivative-text-y")).ToHaveTextAsync("cos(x)");
        var link = await page.GetByTestId("share").InputValueAsync();

        var other = await Browser.NewPage(errors);
        await other.GotoAsync(link);
        await other.GetByTestId("formula").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Multiple(async () =>
        {
            Assert.That(await other.GetByTestId("formula").InputValueAsync(), Is.EqualTo("cos(x)*y"), link);
            Assert.That(await other.GetByTestId("x0").InputValueAsync(), Is.EqualTo("pi/4"), link);
            Assert.That(await other.Locator("#xmin").InputValueAsync(), Is.EqualTo("-2"), link);
            Assert.That(await other.GetByTestId("tab-check").GetAttributeAsync("aria-selected"), Is.EqualTo("true"), link);
            Assert.That(await other.GetByTestId("check").Locator("tbody tr").CountAsync(), Is.EqualTo(2), $"{link}: a verdict per parameter");
            Assert.That(await other.GetByTestId("derivative-text-x").TextContentAsync(), Is.EqualTo(await page.GetByTestId("derivative-text-x").TextContentAsync()), link);
            Assert.That(errors, Is.Empty, "console errors");
        });
        await other.Context.CloseAsync();
    }

    [Test]
    public async Task Moons_Trained_ReachesMicrogradsAccuracy()
    {
        await Go("?tab=train");
        await page.GetByTestId("train-start").ClickAsync();
        var status = page.GetByTestId("train-status");
        var clock = Stopwatch.StartNew();
        await Assertions.Expect(status).ToHaveAttributeAsync("data-done", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 300_000 });
        TestContext.Out.WriteLine($"100 steps in {clock.Elapsed.TotalSeconds:F1} s: {await status.TextContentAsync()}");
        Assert.Multiple(async () =>
        {
            Assert.That(await status.GetAttributeAsync("data-accuracy"), Is.EqualTo("1"), await status.TextContentAsync());
            Assert.That(await status.GetAttributeAsync("data-step"), Is.EqualTo("100"), await status.TextContentAsync());
            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    // any formula the engine reads, drawn from its own backward pass; the oracle is the engine's reverse mode on .NET
    [TestCase("3*x**2 - 4*x + 5")]
    [TestCase("sin(x)*y + x/y")]
    [TestCase("let u = w*x + b in max(u, 0) + abs(u - 1)")]
    public async Task Graph_AnyFormula_ShowsEveryValueWithItsGradient(string text)
    {
        await Go("?f=" + Uri.EscapeDataString(text) + "&x0=3&tab=graph");
        var graph = page.GetByTestId("graph");
        await graph.Locator("svg").WaitForAsync();
        var formula = Formula.Parse(text);
        var expected = formula.Backpropagate(formula.Parameters.ToDictionary(p => p, p => p == "x" ? 3.0 : 1.0));
        var rows = graph.Locator("table.nodes tbody tr");
        var shown = new Dictionary<string, string>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var cells = await rows.Nth(i).Locator("td").AllTextContentsAsync();
            if (formula.Parameters.Contains(cells[1]))
            {
                shown[cells[1]] = cells[5];
            }
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await rows.CountAsync(), Is.EqualTo(expected.Graph.Count), $"{text}: a row per value of the engine's graph");
            foreach (var p in formula.Parameters)
            {
                var grad = expected.Gradient[p].ToString("0.0000", CultureInfo.InvariantCulture);
                Assert.That(shown.GetValueOrDefault(p), Is.EqualTo(grad), $"{text}: the gradient of {p} shown");
            }

            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    [Test]
    public async Task Graph_TooLargeToDraw_SaysSo()
    {
        var text = string.Join(" + ", Enumerable.Range(1, 120).Select(k => $"sin({k}*x)"));
        var formula = Formula.Parse(text);
        var count = formula.Backpropagate(new Dictionary<string, double> { ["x"] = 3 }).Graph.Count;
        await Go("?f=" + Uri.EscapeDataString(text) + "&x0=3&tab=graph");
        var graph = page.GetByTestId("graph");
        await Assertions.Expect(graph).ToHaveAttributeAsync("data-too-large", "true");
        Assert.Multiple(async () =>
        {
            Assert.That(await graph.TextContentAsync(), Does.Contain($"too large to draw: it has {count} values"), $"{count} values");
            Assert.That(await graph.Locator("svg").CountAsync(), Is.Zero, "no picture");
            Assert.That(errors, Is.Empty, "console errors");
        });
    }

    [TestCase("plot", "plot")]
    [TestCase("fd", "fd-table")]
    [TestCase("check", "check")]
    [TestCase("graph", "graph")]
    [TestCase("train", "train")]
    public async Task Tab_Opened_RendersWithoutConsoleError(string tab, string testId)
    {
        await Go("?f=3*x**2-4*x%2B5&x0=3");
        await page.GetByTestId("tab-" + tab).ClickAsync();
        await page.GetByTestId(testId).WaitForAsync();
        if (tab == "train")
        {
            await page.GetByTestId("train-start").ClickAsync();
            await Assertions.Expect(page.GetByTestId("train-status")).ToHaveAttributeAsync("data-done", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 300_000 });
        }

        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"playground-{tab}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, $"the {tab} tab");
        Assert.Multiple(async () =>
        {
            Assert.That(await page.GetByTestId("tab-" + tab).GetAttributeAsync("aria-selected"), Is.EqualTo("true"), tab);
            Assert.That(page.Url, Does.Contain("tab=" + tab), "the address holds the tab");
            Assert.That(errors, Is.Empty, $"console errors on the {tab} tab");
        });
    }
}
