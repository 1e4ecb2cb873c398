"""Payments out (§D.17): two-step confirmed, written as pain.001.001.09 credit transfer files."""
