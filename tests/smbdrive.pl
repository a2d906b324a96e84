#!/usr/bin/perl
# smbdrive.pl N RESTART_AT RESTART_CMD HELPER ARGS...: runs the SMB helper
# serving scans (-S), asks it for N scans, reading each to its end ('Z'),
# and runs RESTART_CMD (a program, no shell) before scan RESTART_AT. Prints
# one line per scan: "scan I entries E folders F fatal X".
use strict;
use warnings;
use IPC::Open2;

my ($n, $restart_at, $restart_cmd, @helper) = @ARGV;
my $pid = open2(my $out, my $in, @helper) or die "cannot run @helper: $!";
binmode $out;

sub take {
	my ($len) = @_;
	my $buf = '';
	while (length($buf) < $len) {
		my $got = read($out, $buf, $len - length($buf), length($buf));
		die "the helper ended mid-record\n" unless $got;
	}
	return $buf;
}
sub text { my $l = unpack('S', take(2)); return take($l); }

for my $i (1 .. $n) {
	system($restart_cmd) == 0 or die "restart failed\n" if $i == $restart_at;
	print $in "scan\n";
	$in->flush;
	my ($entries, $folders, $fatal) = (0, 0, 0);
	while (1) {
		my $t = take(1);
		if ($t eq 'O') { take(4); text(); $folders++ }
		elsif ($t eq 'E') { take(17); text(); $entries++ }
		elsif ($t eq 'D') { take(4) }
		elsif ($t eq 'X') { text(); $fatal++ }
		elsif ($t eq 'Z') { last }
		else { die "unknown record '$t'\n" }
	}
	print "scan $i entries $entries folders $folders fatal $fatal\n";
}
close $in;
waitpid($pid, 0);
exit($? >> 8);
