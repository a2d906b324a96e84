#!/usr/bin/perl
# Parses the perfdata of a plugin output (on stdin) with Monitoring::Plugin,
# an independent implementation, and prints one "label|value|uom|warn|crit|min|max"
# line per entry it accepts, then "raw N" with the number of entries in the text.
use strict;
use warnings;
use Monitoring::Plugin::Performance;

my $first = <STDIN> // '';
chomp $first;
my (undef, $perf) = split /\|/, $first, 2;
$perf //= '';
$perf =~ s/^\s+|\s+$//g;
for my $p (Monitoring::Plugin::Performance->parse_perfstring($perf)) {
	my $t = $p->threshold;
	my $w = $t && $t->warning->is_set ? $t->warning : '';
	my $c = $t && $t->critical->is_set ? $t->critical : '';
	printf "%s|%s|%s|%s|%s|%s|%s\n", $p->label, $p->value, $p->uom // '', $w, $c,
	    $p->min // '', $p->max // '';
}
my @raw = grep { length } split /\s+/, $perf;
print "raw ", scalar(@raw), "\n";
