#!/usr/bin/perl
# Reads "RANGE VALUE" lines and prints "alert", "ok" or "error" for each, as
# Monitoring::Plugin::Range sees it: the reference the C ranges must match.
use strict;
use warnings;
use Monitoring::Plugin::Range;

$SIG{__WARN__} = sub { };    # it carps on every invalid range
while (my $line = <STDIN>) {
	my ($r, $v) = split ' ', $line;
	my $range = Monitoring::Plugin::Range->parse_range_string($r);
	print defined $range ? ($range->check_range($v) ? "alert\n" : "ok\n") : "error\n";
}
