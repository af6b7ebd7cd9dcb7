// Fixtures run side by side, one test at a time within each; a fixture that changes process-wide state (the
// console, the current directory, PATH) or measures the process (memory) is [NonParallelizable] and runs alone.
[assembly: Parallelizable(ParallelScope.Fixtures)]
