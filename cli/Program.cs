// Placeholder entry point; the httpc work replaces this file.
return 0;
