#!/usr/bin/env python3
"""Start-up of `mgx diff "3*x**2 - 4*x + 5"` as a whole process: the plain build against the installed tool
package (ReadyToRun), median of 10 runs each after 2 warm-up runs, in one script on one machine.

    dotnet build src/Micrograd.Expressions.Cli -c Release
    dotnet pack src/Micrograd.Expressions.Cli -c Release -o /tmp/mgx-packages
    dotnet tool install Micrograd.Expressions.Cli --tool-path /tmp/mgx-tool --add-source /tmp/mgx-packages
    python3 tests/scripts/time-startup.py src/Micrograd.Expressions.Cli/bin/Release/net10.0/mgx /tmp/mgx-tool/mgx
"""
import statistics
import subprocess
import sys
import time


def median_ms(program, runs=10, warmup=2):
    args = [program, "diff", "3*x**2 - 4*x + 5"]
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        elapsed = (time.perf_counter() - start) * 1000
        assert out == "6*x - 4\n", out
        if i >= warmup:
            times.append(elapsed)
    return statistics.median(times)


if __name__ == "__main__":
    results = [(program, median_ms(program)) for program in sys.argv[1:]]
    for program, ms in results:
        print(f"{ms:8.1f} ms  {program}")
    if len(results) == 2:
        print(f"ratio {results[1][1] / results[0][1]:.2f}")
