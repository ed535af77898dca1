"""The Gantt chart (per WG and across WGs, fed by the ticket query) and the DX office's portfolio timeline.

``chart`` builds the chart's rows, bars, milestones and arrows from the ticket query; ``critical`` finds the
critical path; ``scale`` lays days out for a zoom and draws the fiscal-year header; ``svg`` draws it all as
server-side SVG; ``services`` moves a bar through the ticket service; ``portfolio`` builds the timeline."""
