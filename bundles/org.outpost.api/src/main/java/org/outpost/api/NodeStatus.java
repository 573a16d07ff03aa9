package org.outpost.api;

/** Whether a node's heartbeats are arriving. Spelled as users see it. */
public enum NodeStatus { Ready, NotReady }
