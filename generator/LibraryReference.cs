using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Http.Client.Generator
{
    /// <summary>What the usage analyzers share: whether a compilation uses the library, and how they read constants.</summary>
    internal static class LibraryReference
    {
        public const string ConnectionTypeName = "Http.Client.HttpConnection";

        public const string SecureConnectionTypeName = "Http.Client.HttpsConnection";

        /// <summary>The library's HttpConnection when the compilation references the library; null inside the library itself or without it.</summary>
        public static INamedTypeSymbol? Connection(Compilation compilation)
        {
            INamedTypeSymbol? connection = compilation.GetTypeByMetadataName(ConnectionTypeName);
            return connection is null || SymbolEqualityComparer.Default.Equals(connection.ContainingAssembly, compilation.Assembly) ? null : connection;
        }

        /// <summary>HttpConnection or a class derived from it (HttpsConnection, or one of the user's).</summary>
        public static bool IsConnectionType(ITypeSymbol? type, INamedTypeSymbol connection)
        {
            for (; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, connection))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The constant value of an operation, looking through implicit conversions (string to string?, int to int?).</summary>
        public static Optional<object?> ConstantOf(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion && !operation.ConstantValue.HasValue)
            {
                operation = conversion.Operand;
            }

            return operation.ConstantValue;
        }

        /// <summary>The operation under implicit conversions.</summary>
        public static IOperation WithoutConversions(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}

namespace Http.Client.Generator
{
    /// <summary>
    /// The diagnostic properties that tell a code fix which constant replaces a literal: the containing type's metadata
    /// name and the member. Shared by the analyzers (which write them) and the code-fix assembly (which reads them).
    /// </summary>
    public static class ConstantProperties
    {
        /// <summary>Key of the containing type's metadata name, such as <c>Http.StatusCodes</c>.</summary>
        public const string TypeKey = "ConstantType";

        /// <summary>Key of the constant's name, such as <c>NotFound</c>.</summary>
        public const string MemberKey = "ConstantMember";

        /// <summary>The properties for a constant <paramref name="member"/> of <paramref name="typeMetadataName"/>.</summary>
        /// <param name="typeMetadataName">The containing type's metadata name.</param>
        /// <param name="member">The constant's name.</param>
        /// <returns>The properties.</returns>
        public static System.Collections.Immutable.ImmutableDictionary<string, string?> Create(string typeMetadataName, string member)
            => System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty.Add(TypeKey, typeMetadataName).Add(MemberKey, member);
    }
}
