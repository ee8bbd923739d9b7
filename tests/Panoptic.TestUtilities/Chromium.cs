using Microsoft.Playwright;

namespace Panoptic.TestUtilities;

/// <summary>Real headless Chromium (Debian's /usr/bin/chromium, which test.sh installs) driven by Playwright, for the tests that look at pages.</summary>
public static class Chromium
{
    public static async Task<Session> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        return new Session(playwright, browser);
    }

    /// <summary>Where page screenshots go for a person to look at: .artifacts/screenshots in the repository.</summary>
    public static string ScreenshotFolder
    {
        get
        {
            var folder = Path.Combine(RepositoryRoot.Path, ".artifacts", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public sealed class Session(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => browser.NewPageAsync(options);

        public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options) => browser.NewContextAsync(options);

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
