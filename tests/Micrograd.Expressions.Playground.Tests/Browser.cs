using System.Reflection;
using Microsoft.Playwright;

namespace Micrograd.Expressions.Playground.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (browsers cannot be downloaded here), and the published playground
/// served on a loopback port; one of each for the whole run.
/// </summary>
[SetUpFixture]
public sealed class Browser
{
    /// <summary>Where Debian installs Chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>What installs it (as root; .ci/run does).</summary>
    public const string Install = "apt-get install -y chromium";

    private static IPlaywright? playwright;
    private static IBrowser? browser;
    private static StaticSite? site;

    /// <summary>The served site.</summary>
    public static StaticSite Site => site ?? throw new InvalidOperationException("the site is not served");

    /// <summary>Skips the test where Chromium is absent (outside CI), with the command that installs it.</summary>
    public static void RequireChromium()
    {
        if (File.Exists(Chromium))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"Chromium is not installed at {Chromium}; install it with `{Install}` (.ci/run does)");
        }

        Assert.Ignore($"Chromium is not installed here ({Chromium}); install it with `{Install}` (.ci/run does)");
    }

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        var root = typeof(Browser).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PlaygroundSite").Value!;
        Assert.That(File.Exists(Path.Combine(root, "index.html")), Is.True, $"the published playground is missing at {root}");
        site = new StaticSite(root);
        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        site?.Dispose();
    }

    /// <summary>A new page (its own context, so no state carries over) that records console errors and page errors.</summary>
    /// <param name="errors">Where the errors go.</param>
    /// <returns>The page.</returns>
    public static async Task<IPage> NewPage(List<string> errors)
    {
        var context = await (browser ?? throw new InvalidOperationException("no browser")).NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add($"page: {error}");
        return page;
    }
}
