namespace Micrograd.Expressions.Tests.Support;

/// <summary>Work on a thread with a stack of a given size, its exception rethrown on the caller's.</summary>
internal static class Threads
{
    public static T OnStack<T>(Func<T> work, int stack = 256 * 1024)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            stack);
        thread.Start();
        thread.Join();
        return failure is null ? result : throw failure;
    }
}
