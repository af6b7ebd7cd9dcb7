using System.Diagnostics;
using Micrograd.Expressions.Playground;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var start = Stopwatch.GetTimestamp();
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
var host = builder.Build();

// performance marks for the browser tests' account of the first render: the runtime is up and Main starts, the host is built
Browser.Mark("playground-main", Stopwatch.GetElapsedTime(start).TotalMilliseconds);
Browser.Mark("playground-host", 0);
await host.RunAsync();
