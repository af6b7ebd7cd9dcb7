using Micrograd.Expressions.AotSmoke;

// the whole run on standard output; a failure of any operation is printed on its line, so the two runs differ
Smoke.Run(Console.Out);
