package dev.hwf.launcher.cli; public class Main { public static void main(String[] a) {} }
