// Placeholder entry point; the benchmark work replaces this file.
return 0;
