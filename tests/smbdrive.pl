#!/usr/bin/perl
# Drives the SMB helper serving requests (-S) and reads its records.
#   smbdrive.pl N RESTART_AT RESTART_CMD HELPER ARGS...
#     asks for N scans, runs RESTART_CMD (a program, no shell) before scan
#     RESTART_AT, and prints "scan I entries E folders F fatal X" per scan;
#   smbdrive.pl --requests OUTFILE HELPER ARGS...
#     sends each line of its stdin as a request and prints each answer:
#     "A ERR SIZE MTIME CTIME ID" per attribute record, "U ERR INTACT" for a
#     del's removal, "bytes N" for the bytes of a get (written to OUTFILE), then "end".
use strict;
use warnings;
use IPC::Open2;

my $requests = @ARGV && $ARGV[0] eq '--requests';
my ($n, $restart_at, $restart_cmd, $outfile);
if ($requests) { (undef, $outfile) = splice(@ARGV, 0, 2) }
else { ($n, $restart_at, $restart_cmd) = splice(@ARGV, 0, 3) }
my $pid = open2(my $out, my $in, @ARGV) or die "cannot run @ARGV: $!";
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

# Reads one answer to its 'Z'; returns counts, and prints what --requests shows.
sub answer {
	my ($entries, $folders, $fatal, $bytes, $fh) = (0, 0, 0, 0, undef);
	if ($requests) { open($fh, '>', $outfile) or die "$outfile: $!"; binmode $fh }
	while (1) {
		my $t = take(1);
		if ($t eq 'O') { take(4); text(); $folders++ }
		elsif ($t eq 'E') { take(17); text(); $entries++ }
		elsif ($t eq 'D') { take(4) }
		elsif ($t eq 'X') { text(); $fatal++ }
		elsif ($t eq 'A') { printf "A %d %d %d %d %d\n", unpack('l q q q q', take(36)) }
		elsif ($t eq 'U') { printf "U %d %d\n", unpack('l l', take(8)) }
		elsif ($t eq 'B') { my $l = unpack('L', take(4)); print $fh take($l); $bytes += $l }
		elsif ($t eq 'Z') { last }
		else { die "unknown record '$t'\n" }
	}
	if ($requests) { close $fh; print "bytes $bytes\nend\n" }
	return ($entries, $folders, $fatal);
}

if ($requests) {
	while (my $line = <STDIN>) {
		print $in $line;
		$in->flush;
		answer();
	}
} else {
	for my $i (1 .. $n) {
		system($restart_cmd) == 0 or die "restart failed\n" if $i == $restart_at;
		print $in "scan\n";
		$in->flush;
		my ($entries, $folders, $fatal) = answer();
		print "scan $i entries $entries folders $folders fatal $fatal\n";
	}
}
close $in;
waitpid($pid, 0);
exit($? >> 8);
