// Records and init-only setters on netstandard2.0 need this marker type, which only newer frameworks ship.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
