/** The side panel's open tab (kept across hide/show), and "Configure Training...", which opens Training and focuses its first field. */
import { useState } from 'react';
import { useViewState } from './useViewState';

export function useSideTab() {
  const [tab, setTab] = useViewState('sideTab', 'properties');
  const [trainingFocus, setTrainingFocus] = useState(0);
  const showTraining = () => {
    setTab('training');
    setTrainingFocus((n) => n + 1);
  };
  return { tab, setTab, trainingFocus, showTraining };
}
