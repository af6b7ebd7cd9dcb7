using Micrograd.Expressions.AotSmoke;

// the whole run on standard output; a failure of any operation is printed on its line, so the two runs differ.
// --time instead measures the engine's running paths in this build (docs/performance.md, NativeAOT)
if (args is ["--time"])
{
    Timing.Run(Console.Out);
}
else
{
    Smoke.Run(Console.Out);
}
